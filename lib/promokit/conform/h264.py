"""H.264 and HEVC decoder configuration records and the H.264 sequence parameter set, read from bytes (pure).

What a decoder must know before the first frame, as the file states it: profile, level, chroma format,
bit depth, whether pictures may be interlaced (frame_mbs_only_flag) and the colour description (VUI).
"""

from __future__ import annotations

from dataclasses import dataclass

PROFILES = {66: "Baseline", 77: "Main", 88: "Extended", 100: "High", 110: "High 10", 122: "High 4:2:2",
            244: "High 4:4:4 Predictive", 44: "CAVLC 4:4:4 Intra"}
HIGH_FAMILY = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}
CHROMA = {0: "4:0:0", 1: "4:2:0", 2: "4:2:2", 3: "4:4:4"}
HEVC_PROFILES = {1: "Main", 2: "Main 10", 3: "Main Still Picture", 4: "Range Extensions"}


@dataclass(frozen=True)
class StreamConfig:
    """A video stream's decoder configuration: `level` as a number (4.0, 4.2), `progressive` None = unknown."""

    codec: str  # "h264" | "hevc"
    profile_idc: int
    profile: str
    level: float
    chroma: str | None = None  # "4:2:0"
    bit_depth: int | None = None
    progressive: bool | None = None  # H.264: frame_mbs_only_flag
    primaries: int | None = None  # ISO/IEC 23091-2 codes (1 = BT.709)
    transfer: int | None = None
    matrix: int | None = None
    full_range: bool | None = None
    constrained: bool = False  # Constrained Baseline


class _Bits:
    """An RBSP bit reader (emulation-prevention bytes already removed)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def u(self, n: int) -> int:
        v = 0
        for _ in range(n):
            byte = self.data[self.pos >> 3] if (self.pos >> 3) < len(self.data) else 0
            v = (v << 1) | ((byte >> (7 - (self.pos & 7))) & 1)
            self.pos += 1
        return v

    def ue(self) -> int:
        zeros = 0
        while self.u(1) == 0:
            zeros += 1
            if zeros > 31:
                raise ValueError("bad exp-Golomb code")
        return (1 << zeros) - 1 + self.u(zeros)

    def se(self) -> int:
        k = self.ue()
        return (k + 1) // 2 if k & 1 else -(k // 2)


def rbsp(nal: bytes) -> bytes:
    """The NAL unit's payload without its emulation-prevention bytes (00 00 03 -> 00 00)."""
    out, zeros = bytearray(), 0
    for b in nal:
        if zeros >= 2 and b == 3:
            zeros = 0
            continue
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def _skip_scaling_list(r: _Bits, size: int) -> None:
    last = nxt = 8
    for _ in range(size):
        if nxt:
            nxt = (last + r.se() + 256) % 256
        last = nxt or last


def parse_sps(nal: bytes) -> StreamConfig:
    """An H.264 sequence parameter set NAL unit (with its one-byte header) -> its configuration."""
    r = _Bits(rbsp(nal[1:]))
    profile_idc, flags, level_idc = r.u(8), r.u(8), r.u(8)
    r.ue()  # seq_parameter_set_id
    chroma_idc, depth = 1, 8
    if profile_idc in HIGH_FAMILY:
        chroma_idc = r.ue()
        if chroma_idc == 3:
            r.u(1)
        depth = r.ue() + 8
        r.ue()  # bit_depth_chroma_minus8
        r.u(1)
        if r.u(1):  # seq_scaling_matrix_present_flag
            for i in range(8 if chroma_idc != 3 else 12):
                if r.u(1):
                    _skip_scaling_list(r, 16 if i < 6 else 64)
    r.ue()  # log2_max_frame_num_minus4
    poc_type = r.ue()
    if poc_type == 0:
        r.ue()
    elif poc_type == 1:
        r.u(1)
        r.se()
        r.se()
        for _ in range(r.ue()):
            r.se()
    r.ue()  # max_num_ref_frames
    r.u(1)
    r.ue()  # pic_width_in_mbs_minus1
    r.ue()  # pic_height_in_map_units_minus1
    frame_mbs_only = bool(r.u(1))
    if not frame_mbs_only:
        r.u(1)  # mb_adaptive_frame_field_flag
    r.u(1)  # direct_8x8_inference_flag
    if r.u(1):  # frame_cropping_flag
        for _ in range(4):
            r.ue()
    prim = trc = mat = None
    full = None
    if r.u(1):  # vui_parameters_present_flag
        if r.u(1):  # aspect_ratio_info_present_flag
            if r.u(8) == 255:
                r.u(32)
        if r.u(1):  # overscan_info_present_flag
            r.u(1)
        if r.u(1):  # video_signal_type_present_flag
            r.u(3)
            full = bool(r.u(1))
            if r.u(1):  # colour_description_present_flag
                prim, trc, mat = r.u(8), r.u(8), r.u(8)
    level = 1.1 if level_idc == 11 and flags & 0x10 and profile_idc in (66, 77) else level_idc / 10
    if level_idc == 9:
        level = 1.0  # level 1b
    name = PROFILES.get(profile_idc, f"profile {profile_idc}")
    constrained = profile_idc == 66 and bool(flags & 0x40)
    if constrained:
        name = "Constrained Baseline"
    return StreamConfig("h264", profile_idc, name, level, CHROMA.get(chroma_idc, str(chroma_idc)), depth,
                        frame_mbs_only, prim, trc, mat, full, constrained)


def parse_avcc(data: bytes) -> StreamConfig:
    """An `avcC` box payload (AVCDecoderConfigurationRecord) -> the configuration of its first SPS."""
    if len(data) < 7 or data[0] != 1:
        raise ValueError("not an AVCDecoderConfigurationRecord")
    n_sps = data[5] & 0x1F
    if n_sps:
        length = int.from_bytes(data[6:8], "big")
        sps = data[8:8 + length]
        if len(sps) == length and length > 4:
            return parse_sps(sps)
    return StreamConfig("h264", data[1], PROFILES.get(data[1], f"profile {data[1]}"), data[3] / 10)


def parse_hvcc(data: bytes) -> StreamConfig:
    """An `hvcC` box payload (HEVCDecoderConfigurationRecord) -> profile, level, chroma, bit depth."""
    if len(data) < 23:
        raise ValueError("not an HEVCDecoderConfigurationRecord")
    profile_idc = data[1] & 0x1F
    level = data[12] / 30
    chroma = CHROMA.get(data[16] & 0x03)
    depth = (data[17] & 0x07) + 8
    return StreamConfig("hevc", profile_idc, HEVC_PROFILES.get(profile_idc, f"profile {profile_idc}"),
                        round(level, 1), chroma, depth)
