#!/usr/bin/env bash
# Install the system packages promokit needs when they are missing.
# Debian/Ubuntu as root or with sudo: installs them. Elsewhere: prints exactly what to install.
#   usage: scripts/setup-system.sh [runtime|test]
set -euo pipefail
want="${1:-runtime}"

missing=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_lib() { ldconfig -p 2>/dev/null | grep "$1" >/dev/null; }  # no -q: an early exit would SIGPIPE the producer under pipefail
have_font() { fc-list 2>/dev/null | grep -i "$1" >/dev/null; }

have_cmd ffmpeg && have_cmd ffprobe || missing+=(ffmpeg)
have_cmd fc-list || missing+=(fontconfig)
have_font "NotoSans-Regular" || missing+=(fonts-noto-core)
have_font "DejaVuSans.ttf" || missing+=(fonts-dejavu-core)
have_font "NotoSansMono-Regular" || missing+=(fonts-noto-mono)  # JupyterLab's code font (Vietnamese marks attached)
# Times New Roman's metric twin with Vietnamese glyphs, for the reports in the administrative format (Decree 30)
have_font "liberation2/LiberationSerif-Regular" || missing+=(fonts-liberation2)
have_lib "libpango-1.0.so" || missing+=(libpango-1.0-0)
have_lib "libpangoft2-1.0.so" || missing+=(libpangoft2-1.0-0)
have_lib "libraqm.so" || missing+=(libraqm0)
have_cmd espeak-ng || missing+=(espeak-ng)  # the Vietnamese guide voice of radio bulletins
have_cmd mediainfo || missing+=(mediainfo)  # promokit conform cross-checks stream facts with a second parser
if [ "$want" = test ]; then
  # the publication tests validate with real tools: EPUBCheck and a headless Chromium (driven by Playwright)
  have_cmd epubcheck || missing+=(epubcheck)
  have_cmd chromium || missing+=(chromium)
  # the report tests open the DOCX with LibreOffice and list the PDF's fonts (pdffonts)
  have_cmd soffice || missing+=(libreoffice-writer-nogui)
  have_cmd pdffonts || missing+=(poppler-utils)
fi

[ ${#missing[@]} -eq 0 ] && { echo "system packages: all present"; exit 0; }

if [ -r /etc/debian_version ] && have_cmd apt-get; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if have_cmd sudo && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "Cần cài / please install (as root): apt-get install -y ${missing[*]}" >&2; exit 1; fi
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  have_cmd fc-cache && fc-cache -f >/dev/null 2>&1 || true
  echo "system packages: installed ${missing[*]}"
else
  echo "Không phải Debian/Ubuntu: hãy tự cài / not Debian/Ubuntu, please install:" >&2
  echo "  ffmpeg (with ffprobe), fontconfig, Noto Sans fonts, DejaVu fonts, Pango, libraqm, espeak-ng, mediainfo" >&2
  echo "  e.g. macOS: brew install ffmpeg pango libraqm fontconfig && brew install --cask font-noto-sans" >&2
  echo "  or conda: conda env create -f environment.yml" >&2
  echo "missing here: ${missing[*]}" >&2
  exit 1
fi
