import { fileTypeFromBuffer } from 'file-type';

export type FileKind = 'image' | 'document';

export interface AcceptedType {
  readonly ext: string;
  readonly mime: string;
  readonly kind: FileKind;
}

const megabyte = 1024 * 1024;

/** Largest file of each kind. Documents are deliverables (archives, PDFs, Office files) and match multipart's own cap. */
export const maxBytesOf: Record<FileKind, number> = { image: 5 * megabyte, document: 50 * megabyte };

/** How many leading bytes decide the type: file-type reads no further than this for our types. */
export const sniffBytes = 4100;

const image = (ext: string, mime: string): AcceptedType => ({ ext, mime, kind: 'image' });
const document = (ext: string, mime: string): AcceptedType => ({ ext, mime, kind: 'document' });

const officeMime = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
} as const;

/** Every type this service stores, by the MIME type file-type reports for the bytes. */
const acceptedByDetectedMime: Readonly<Record<string, AcceptedType>> = {
  'image/jpeg': image('jpg', 'image/jpeg'),
  'image/png': image('png', 'image/png'),
  // An animated PNG is a PNG to every browser.
  'image/apng': image('png', 'image/png'),
  'image/gif': image('gif', 'image/gif'),
  'image/webp': image('webp', 'image/webp'),
  'application/zip': document('zip', 'application/zip'),
  'application/x-rar-compressed': document('rar', 'application/vnd.rar'),
  'application/x-7z-compressed': document('7z', 'application/x-7z-compressed'),
  'application/pdf': document('pdf', 'application/pdf'),
  // Word, Excel and PowerPoint documents as they save them, macros impossible (the macro-enabled
  // kinds, docm and the rest, and the old binary doc and xls are other types, refused).
  [officeMime.docx]: document('docx', officeMime.docx),
  [officeMime.xlsx]: document('xlsx', officeMime.xlsx),
  [officeMime.pptx]: document('pptx', officeMime.pptx),
};

/** The type the leading bytes show, if it is one we accept. Names and Content-Type are never asked. */
export async function detectAcceptedType(head: Uint8Array): Promise<AcceptedType | undefined> {
  const detected = await fileTypeFromBuffer(head);
  return detected ? acceptedByDetectedMime[detected.mime] : undefined;
}

const kindOfExtension: Readonly<Record<string, FileKind>> = {
  jpg: 'image',
  jpeg: 'image',
  jpe: 'image',
  png: 'image',
  apng: 'image',
  gif: 'image',
  webp: 'image',
  zip: 'document',
  rar: 'document',
  '7z': 'document',
  pdf: 'document',
  docx: 'document',
  xlsx: 'document',
  pptx: 'document',
};

/**
 * Which kind the file's name claims, when its extension is one of ours. A name claiming the other
 * kind than the bytes (an archive called `.png`) is a disguise and refused; within a kind a wrong
 * extension is common (phones save WebP as `.jpg`) and harmless, since we store the true one.
 */
export function claimedKind(originalName: string): FileKind | undefined {
  const dot = originalName.lastIndexOf('.');
  return dot >= 0 ? kindOfExtension[originalName.slice(dot + 1).toLowerCase()] : undefined;
}

/**
 * The name a client gave, less the Windows folders old Internet Explorer sends before it
 * (`C:\fakepath\a.png`, or the file's whole path): the browser's doing, not a path given to us.
 */
export function clientFileName(given: string): string {
  return given.replace(/^[A-Za-z]:\\(?:[^\\/]*\\)*/, '');
}

/**
 * A client's file name is kept as metadata only, but one carrying a path (`../x`, `C:\x`) or control
 * characters (C0, DEL and C1, whose U+0085 is a line break to some readers, as U+2028 and U+2029 are
 * to others) is an attack or a broken client either way, and so is one whose bytes were no UTF-8.
 * So is one with bidirectional controls: a download's name ends with the extension its bytes
 * showed, and `invoice<U+202E>fdp.zip` would still show as `invoicepiz.pdf`.
 */
export function isAcceptableName(originalName: string): boolean {
  return (
    // In characters, as the column counts them: 200 emoji are 400 UTF-16 units.
    [...originalName].length <= 255 &&
    // U+FFFD: a name in another encoding (GBK) read as UTF-8, stored as ���� in place of the name.
    !originalName.includes('\uFFFD') &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
    !/[\\/\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(originalName) &&
    !/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(originalName)
  );
}
