#!/usr/bin/env bash
# Renders the application icon (resources/icons/exeserver.svg) to the PNG sizes the Linux icon theme, the
# Windows installer (.ico) and the macOS bundle (.icns) need. The outputs are committed, so builds never run
# this; rerun it after changing the SVG.
# Needs Debian's librsvg2-bin (rsvg-convert), icoutils (icotool) and icnsutils (png2icns).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
svg=exeserver.svg
sizes=(16 22 24 32 48 64 128 256 512)
for size in "${sizes[@]}"; do
    mkdir -p "hicolor/${size}x${size}/apps"
    rsvg-convert --width "$size" --height "$size" --output "hicolor/${size}x${size}/apps/io.github.exeserver.png" "$svg"
done
mkdir -p hicolor/scalable/apps
cp "$svg" hicolor/scalable/apps/io.github.exeserver.svg
# Windows: one .ico with the sizes Explorer and the Start menu pick from.
icotool --create --output exeserver.ico hicolor/{16x16,24x24,32x32,48x48,64x64,128x128,256x256}/apps/io.github.exeserver.png
# macOS: png2icns takes the sizes the .icns format has slots for.
png2icns exeserver.icns hicolor/{16x16,32x32,48x48,128x128,256x256,512x512}/apps/io.github.exeserver.png >/dev/null
