#!/bin/sh
# Makes the media vectors with the real tools (Debian 12: ffmpeg, libimage-exiftool-perl, libheif-examples), each a
# few KiB, with a phone's kind of metadata: place, time, maker and model. Run from this directory; the results are
# committed, so the tests do not depend on the tools' versions. Each FILE.expect says what the cleaning must do.
set -eu
export TZ=UTC
video="-hide_banner -loglevel error -y -f lavfi -i testsrc=duration=1:size=64x48:rate=10"
encode="-c:v libx264 -preset veryslow -crf 40 -pix_fmt yuv420p -threads 1 -fflags +bitexact"
# MP4: location (3GPP loci and iTunes-style ilst in udta) and times from ffmpeg, then XMP GPS (a uuid box) from exiftool.
ffmpeg $video -metadata location=+37.5665+126.9780/ -metadata creation_time=2026-03-01T10:00:00Z \
    -metadata make=Samsung -metadata model=SM-A546E $encode phone.mp4
exiftool -q -overwrite_original -XMP-exif:GPSLatitude=37.5665 -XMP-exif:GPSLongitude=126.9780 \
    -XMP-photoshop:City=Seoul phone.mp4
# QuickTime: Apple's mdta keys, as an iPhone writes them.
ffmpeg $video -metadata creation_time=2026-03-01T10:00:00Z -metadata location=+37.5665+126.9780/ \
    -metadata com.apple.quicktime.make=Apple -metadata "com.apple.quicktime.model=iPhone 12" \
    -metadata com.apple.quicktime.location.ISO6709=+37.5665+126.9780+010.000/ \
    -metadata com.apple.quicktime.creationdate=2026-03-01T19:00:00+0900 -movflags use_metadata_tags $encode phone.mov
photo() {
    exiftool -q -overwrite_original -GPSLatitude=37.5665 -GPSLatitudeRef=N -GPSLongitude=126.9780 -GPSLongitudeRef=E \
        -Make=Samsung -Model=SM-A546E "-DateTimeOriginal=2026:03:01 10:00:00" -XMP-dc:Creator=Kim \
        -XMP-photoshop:City=Seoul "$1"
}
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=64x48 -frames:v 1 -q:v 10 -fflags +bitexact photo.jpg
photo photo.jpg
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=64x48 -frames:v 1 -fflags +bitexact photo.png
photo photo.png
heif-enc -q 30 -o photo.heic photo.png
photo photo.heic
# Broken files of these types: cut inside the movie box, and inside the HEIF meta box.
head -c 600 phone.mp4 > truncated.mp4
head -c 300 photo.heic > truncated.heic
