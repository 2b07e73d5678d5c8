// Cleans files with the browser's metadata modules as form.mjs does (photo-metadata.mjs, then media-metadata.mjs),
// in Node, for MetadataRemoverTest to compare with the server's filter: OUT/NAME gets the cleaned file, or
// OUT/NAME.unreadable the module's refusal.
//
// usage: node clean-media.mjs OUT FILE...

import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const modules = new URL('../../../target/classes/static/js/', import.meta.url);
const { UnreadablePhoto, withoutPhotoMetadata } = await import(new URL('photo-metadata.mjs', modules));
const { UnreadableMedia, withoutMediaMetadata } = await import(new URL('media-metadata.mjs', modules));

const [out, ...files] = process.argv.slice(2);
for (const file of files) {
  try {
    const cleaned = await withoutMediaMetadata(await withoutPhotoMetadata(new Blob([readFileSync(file)])));
    writeFileSync(join(out, basename(file)), Buffer.from(await cleaned.arrayBuffer()));
  } catch (error) {
    if (!(error instanceof UnreadablePhoto || error instanceof UnreadableMedia)) throw error;
    writeFileSync(join(out, `${basename(file)}.unreadable`), error.message);
  }
}
