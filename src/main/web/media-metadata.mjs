// Removes what a video or a HEIF photo says about where, when and with what it was made (FORMAT.md section 5.1),
// in place: in MP4 and QuickTime files the user data, metadata, uuid and free boxes become free boxes of the same
// size full of zeros and the movie's and tracks' times become 0; in HEIF files the Exif and XMP items' data become
// zeros. Nothing moves, so every offset stays valid and nothing is re-encoded. Only the boxes that change are read
// into memory (a moov box, at most MAX_BOX_IN_MEMORY); the result is a Blob of slices of the file and those boxes.
// Other files are returned as they are. The server's org.testimonyintake.intake.metadata does exactly the same.

const MAX_BOX_IN_MEMORY = 64 << 20;

export class UnreadableMedia extends Error {}

/** Types a first box of an ISO base media file has (QuickTime files may start without ftyp). */
const FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);
/** Boxes that may hold metadata, or what an editor left behind: they become zeroed free boxes. */
const BLANKED = new Set(['udta', 'meta', 'uuid', 'free', 'skip']);
/** Boxes whose children are boxes, walked for the above. */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'moof', 'traf']);
/** Full boxes that open with a creation and a modification time. */
const TIMED = new Set(['mvhd', 'tkhd', 'mdhd']);
const HEIF_BRANDS = new Set(['mif1', 'msf1']);
const XMP_TYPE = 'application/rdf+xml';

/** The file without its video or HEIF metadata, as a Blob of the same type; the file itself if it is neither. */
export async function withoutMediaMetadata(file) {
  if (file.size < 8 || !FIRST_BOXES.has(ascii((await read(file, 4, 4))))) return file;
  const edits = []; // [offset, bytes]: the same number of octets, replaced
  let heif = false;
  for (let position = 0; position < file.size;) {
    const head = await read(file, position, 16);
    const box = boxAt(head, 0, file.size - position);
    if (box.type === 'ftyp') {
      heif = brands(await read(file, position, Math.min(box.size, 4096)), box).some((brand) => HEIF_BRANDS.has(brand));
    } else if (box.type === 'moov' || box.type === 'moof') {
      const bytes = await readBox(file, position, box);
      cleanChildren(bytes, box.header, box.size);
      edits.push([position, bytes]);
    } else if (box.type === 'meta' && heif) {
      for (const [from, to] of heifItemsToZero(await readBox(file, position, box), box, position)) {
        edits.push([from, new Uint8Array(to - from)]);
      }
    } else if (BLANKED.has(box.type)) {
      if (box.size > MAX_BOX_IN_MEMORY) throw new UnreadableMedia(`a ${box.type} box too large to blank`);
      edits.push([position, blank(head, box)]);
    }
    position += box.size;
  }
  return new Blob(assembled(file, edits), { type: file.type });
}

/**
 * The box whose header starts at bytes[at]: its type, header length and size; `room` is how many octets the box may
 * take (to its parent's end), which a size of 0 means.
 */
function boxAt(bytes, at, room) {
  if (room < 8 || at + 8 > bytes.length) throw new UnreadableMedia('a box header runs past the end');
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  let size = view.getUint32(at);
  const type = ascii(bytes.subarray(at + 4, at + 8));
  let header = 8;
  if (size === 1) {
    if (room < 16 || at + 16 > bytes.length) throw new UnreadableMedia('a box header runs past the end');
    size = view.getUint32(at + 8) * 2 ** 32 + view.getUint32(at + 12);
    header = 16;
  } else if (size === 0) {
    size = room;
  }
  if (size < header || size > room) throw new UnreadableMedia(`a ${type} box runs past its container`);
  return { type, header, size };
}

async function readBox(file, position, box) {
  if (box.size > MAX_BOX_IN_MEMORY) throw new UnreadableMedia(`a ${box.type} box too large to read`);
  return read(file, position, box.size);
}

/** The major and compatible brands of an ftyp box. */
function brands(bytes, box) {
  const found = [];
  for (let at = box.header; at + 4 <= bytes.length; at += 4) {
    if (at !== box.header + 4) found.push(ascii(bytes.subarray(at, at + 4))); // the minor version is no brand
  }
  return found;
}

/** A free box of the box's size and header length, all zeros after its header. */
function blank(head, box) {
  const bytes = new Uint8Array(box.size);
  bytes.set(head.subarray(0, box.header));
  bytes.set(FREE, 4);
  return bytes;
}

const FREE = new Uint8Array([0x66, 0x72, 0x65, 0x65]);

/** Blanks metadata boxes and zeroes times among the boxes in bytes[from, to), and in their containers' children. */
function cleanChildren(bytes, from, to) {
  let at = from;
  while (to - at >= 8) {
    const box = boxAt(bytes, at, to - at);
    const end = at + box.size;
    if (BLANKED.has(box.type)) {
      bytes.set(FREE, at + 4);
      bytes.fill(0, at + box.header, end);
    } else if (CONTAINERS.has(box.type)) {
      cleanChildren(bytes, at + box.header, end);
    } else if (TIMED.has(box.type)) {
      const timesEnd = at + box.header + (bytes[at + box.header] === 1 ? 20 : 12); // version 1: 64-bit times
      if (timesEnd > end) throw new UnreadableMedia(`a ${box.type} box too short for its times`);
      bytes.fill(0, at + box.header + 4, timesEnd);
    }
    at = end;
  }
  // QuickTime may end a list of boxes with a 32-bit zero; anything else there is no box.
  if (bytes.subarray(at, to).some((octet) => octet !== 0)) throw new UnreadableMedia('octets that are no box');
}

/**
 * The ranges [from, to) of the file holding the data of a HEIF meta box's Exif and XMP items (ISO/IEC 14496-12
 * iinf and iloc, ISO/IEC 23008-12 items), given the box's octets and its offset in the file.
 */
function heifItemsToZero(bytes, meta, offset) {
  const children = {};
  for (let at = meta.header + 4; bytes.length - at >= 8;) { // meta is a full box: 4 octets of version and flags
    const box = boxAt(bytes, at, bytes.length - at);
    children[box.type] ??= { at, ...box };
    at += box.size;
  }
  if (!children.iinf) return [];
  const items = metadataItems(bytes, children.iinf);
  if (items.size === 0) return [];
  if (!children.iloc) throw new UnreadableMedia('HEIF items without locations');
  const idat = children.idat
    && [offset + children.idat.at + children.idat.header, offset + children.idat.at + children.idat.size];
  const ranges = [];
  for (const { id, method, base, extents } of locations(bytes, children.iloc)) {
    if (!items.has(id)) continue;
    if (method === 2 || (method === 1 && !idat)) throw new UnreadableMedia('a HEIF item that cannot be located');
    for (const [extentOffset, length] of extents) {
      if (length === 0) throw new UnreadableMedia('a HEIF item of unknown length');
      const from = (method === 1 ? idat[0] : 0) + base + extentOffset;
      if (method === 1 && from + length > idat[1]) throw new UnreadableMedia('a HEIF item past its idat');
      ranges.push([from, from + length]);
    }
  }
  return ranges;
}

/** The ids of the Exif and XMP items an iinf box names. */
function metadataItems(bytes, iinf) {
  const reader = new Reader(bytes, iinf.at + iinf.header, iinf.at + iinf.size);
  const version = reader.u8();
  reader.skip(3);
  reader.skip(version === 0 ? 2 : 4); // the entry count; the infe boxes that follow say as much
  const ids = new Set();
  while (reader.left() >= 8) {
    const infe = boxAt(bytes, reader.at, reader.left());
    const entry = new Reader(bytes, reader.at + infe.header, reader.at + infe.size);
    reader.skip(infe.size);
    if (infe.type !== 'infe') continue;
    const infeVersion = entry.u8();
    entry.skip(3);
    if (infeVersion >= 2) {
      const id = infeVersion === 2 ? entry.u16() : entry.u32();
      entry.skip(2); // protection index
      const itemType = ascii(entry.bytes(4));
      entry.string(); // item name
      if (itemType === 'Exif' || (itemType === 'mime' && entry.string() === XMP_TYPE)) ids.add(id);
    } else {
      const id = entry.u16();
      entry.skip(2);
      entry.string();
      if (entry.string() === XMP_TYPE) ids.add(id);
    }
  }
  return ids;
}

/** The entries of an iloc box: item id, construction method, base offset and extents [offset, length]. */
function locations(bytes, iloc) {
  const reader = new Reader(bytes, iloc.at + iloc.header, iloc.at + iloc.size);
  const version = reader.u8();
  reader.skip(3);
  if (version > 2) throw new UnreadableMedia('an iloc box of an unknown version');
  const sizes = reader.u16();
  const [offsetSize, lengthSize, baseSize] = [sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15];
  const indexSize = version === 0 ? 0 : sizes & 15;
  const count = version < 2 ? reader.u16() : reader.u32();
  const entries = [];
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? reader.u16() : reader.u32();
    const method = version === 0 ? 0 : reader.u16() & 15;
    if (reader.u16() !== 0 && method === 0) throw new UnreadableMedia('a HEIF item in another file');
    const base = reader.sized(baseSize);
    const extents = [];
    for (let extent = reader.u16(); extent > 0; extent--) {
      reader.sized(indexSize);
      extents.push([reader.sized(offsetSize), reader.sized(lengthSize)]);
    }
    entries.push({ id, method, base, extents });
  }
  return entries;
}

/** Reads big-endian fields from bytes[at, end); reading past the end means the box is broken. */
class Reader {
  constructor(bytes, at, end) {
    this.array = bytes;
    this.at = at;
    this.end = end;
  }

  left() {
    return this.end - this.at;
  }

  bytes(length) {
    if (length > this.left()) throw new UnreadableMedia('a box ends too soon');
    this.at += length;
    return this.array.subarray(this.at - length, this.at);
  }

  skip(length) {
    this.bytes(length);
  }

  u8() {
    return this.sized(1);
  }

  u16() {
    return this.sized(2);
  }

  u32() {
    return this.sized(4);
  }

  /** An unsigned number of 0, 1, 2, 4 or 8 octets. */
  sized(length) {
    if (![0, 1, 2, 4, 8].includes(length)) throw new UnreadableMedia('a field of a size no box has');
    let value = 0;
    for (const octet of this.bytes(length)) value = value * 256 + octet;
    if (value > Number.MAX_SAFE_INTEGER) throw new UnreadableMedia('an offset too large');
    return value;
  }

  /** A null-terminated UTF-8 string; a missing terminator ends it at the box's end. */
  string() {
    const rest = this.array.subarray(this.at, this.end);
    const zero = rest.indexOf(0);
    const length = zero < 0 ? rest.length : zero + 1;
    return new TextDecoder().decode(this.bytes(length).subarray(0, zero < 0 ? length : zero));
  }
}

/** The file's slices with the edits in their places; edits that overlap or pass the end mean a broken file. */
function assembled(file, edits) {
  edits.sort((a, b) => a[0] - b[0]);
  const parts = [];
  let position = 0;
  for (const [offset, bytes] of edits) {
    if (offset < position || offset + bytes.length > file.size) throw new UnreadableMedia('items that overlap');
    parts.push(file.slice(position, offset), bytes);
    position = offset + bytes.length;
  }
  parts.push(file.slice(position));
  return parts;
}

async function read(blob, from, length) {
  return new Uint8Array(await blob.slice(from, from + length).arrayBuffer());
}

function ascii(bytes) {
  return String.fromCharCode(...bytes);
}
