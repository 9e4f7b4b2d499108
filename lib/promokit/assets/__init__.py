"""The only reader of assets/: discovery, path resolution, probing and normalising phone media.

Everything a campaign folder holds comes in through here, already cleaned up: images with EXIF
orientation applied and in 8-bit sRGB (`images`), media probed with ffprobe, never loaded (`media`),
tables (`tables`) and articles (`articles`) decoded as UTF-8 and NFC, paths resolved inside the campaign
(`paths`). Bad input raises an `AssetError`/`DataError` naming the file and the fix (Vietnamese first,
then English); `check_campaign_files` (`checks`) collects them all for `promokit check`.
"""

from .articles import Article, read_article
from .checks import check_campaign_files
from .files import read_text
from .images import ImageInfo, check_pixels, image_info, is_heif, read_image
from .media import PROBE_TIMEOUT, MediaInfo, clip_frame, probe_media
from .paths import FOLDERS, CampaignFiles, discover, resolve, sort_key
from .tables import Table, read_table, require_columns

__all__ = [
    "FOLDERS", "PROBE_TIMEOUT", "Article", "CampaignFiles", "ImageInfo", "MediaInfo", "Table", "check_campaign_files",
    "check_pixels", "clip_frame", "discover", "image_info", "is_heif", "probe_media", "read_article", "read_image",
    "read_table", "read_text", "require_columns", "resolve", "sort_key",
]
