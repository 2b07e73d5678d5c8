// Removes what a photo says about where, when and with what it was taken: EXIF (with GPS), XMP, IPTC, comments and
// colour profiles in JPEG; eXIf, text, time and colour-profile chunks in PNG; anything after the image's end. The
// image data itself is not touched (no re-encoding): the result is a Blob made of slices of the file, so nothing is
// copied into memory. Other files are returned as they are.

const WINDOW = 1 << 20;

export class UnreadablePhoto extends Error {}

/** The file without its photo metadata, as a Blob of the same type; the file itself if it is no JPEG or PNG. */
export async function withoutPhotoMetadata(file) {
  const head = await read(file, 0, 8);
  let kept;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
    kept = await jpegSegmentsToKeep(file);
  } else if (PNG_SIGNATURE.every((octet, i) => head[i] === octet)) {
    kept = await pngChunksToKeep(file);
  } else {
    return file;
  }
  return new Blob(merged(kept).map(([from, to]) => file.slice(from, to)), { type: file.type });
}

// JPEG (ITU T.81 annex B): keep the frame, tables and scans; of the application segments keep only JFIF (APP0) and
// Adobe (APP14), which decoders need for colour. EXIF and XMP are APP1, ICC profiles APP2, IPTC APP13, comments COM.
const SOS = 0xda, EOI = 0xd9, COM = 0xfe, APP0 = 0xe0, APP14 = 0xee;

async function jpegSegmentsToKeep(file) {
  const kept = [[0, 2]];
  let position = 2;
  while (position + 2 <= file.size) {
    const [fill, marker] = await read(file, position, 2);
    if (fill !== 0xff) throw new UnreadablePhoto('no JPEG marker where one belongs');
    if (marker === 0xff) { position += 1; continue; }
    if (marker === EOI) { kept.push([position, position + 2]); break; } // what follows the image is dropped
    if (isStandalone(marker)) { kept.push([position, position + 2]); position += 2; continue; }
    const [high, low] = await read(file, position + 2, 2);
    const end = position + 2 + ((high << 8) | low);
    if (end > file.size) throw new UnreadablePhoto('a JPEG segment runs past the end');
    if (await keepJpegSegment(file, marker, position)) kept.push([position, end]);
    position = end;
    if (marker === SOS) {
      const next = await nextMarkerAfterScan(file, position);
      kept.push([position, next]);
      position = next;
    }
  }
  return kept;
}

async function keepJpegSegment(file, marker, position) {
  if (marker === COM) return false;
  if (marker === APP0) return ascii(await read(file, position + 4, 5)) === 'JFIF\0'; // not JFXX thumbnails
  if (marker === APP14) return true;
  return marker < 0xe0 || marker > 0xef;
}

function isStandalone(marker) {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7); // TEM, RST0 to RST7
}

/** Entropy-coded data ends at the first 0xFF that is neither stuffing (0xFF00), a restart marker nor fill. */
async function nextMarkerAfterScan(file, from) {
  for (let start = from; start < file.size; start += WINDOW) {
    const bytes = await read(file, start, WINDOW + 1); // one more octet: the one after an 0xFF at the window's end
    for (let i = bytes.indexOf(0xff); i >= 0 && i < WINDOW && i + 1 < bytes.length; i = bytes.indexOf(0xff, i + 1)) {
      const next = bytes[i + 1];
      if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return start + i;
    }
  }
  return file.size;
}

// PNG (ISO 15948): keep the critical chunks and the ancillary ones that change how the image looks or moves; drop
// eXIf, tEXt, zTXt, iTXt (where XMP lives), tIME, iCCP and every private or unknown ancillary chunk.
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_KEEP = new Set(['tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'bKGD', 'hIST', 'pHYs', 'sPLT', 'cICP', 'cLLI',
  'mDCV', 'acTL', 'fcTL', 'fdAT']);

async function pngChunksToKeep(file) {
  const kept = [[0, 8]];
  let position = 8;
  while (position + 12 <= file.size) {
    const head = await read(file, position, 8);
    const length = new DataView(head.buffer, head.byteOffset).getUint32(0);
    const type = ascii(head.subarray(4, 8));
    const end = position + 12 + length;
    if (end > file.size) throw new UnreadablePhoto('a PNG chunk runs past the end');
    const critical = (head[4] & 0x20) === 0;
    if (critical || PNG_KEEP.has(type)) kept.push([position, end]);
    if (type === 'IEND') break;
    position = end;
  }
  return kept;
}

async function read(blob, from, length) {
  return new Uint8Array(await blob.slice(from, from + length).arrayBuffer());
}

function ascii(bytes) {
  return String.fromCharCode(...bytes);
}

/** Adjacent ranges joined, so the Blob has few parts. */
function merged(ranges) {
  const out = [];
  for (const [from, to] of ranges) {
    const last = out[out.length - 1];
    if (last && last[1] === from) last[1] = to; else out.push([from, to]);
  }
  return out;
}
