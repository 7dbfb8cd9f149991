/**
 * The MIFARE DESFire (EV1 and later) layout campuscard expects an encoding station to write, as
 * data: applications (AIDs), their files (numbers, sizes, access rights) and key references (key
 * numbers and types, never key values: keys stay in the station's or a SAM's keeping).
 *
 * campuscard describes the layout and says what each file holds; it does not drive a chip (no
 * reader is tested here). The access-control and library applications follow the layout of the
 * public sample configuration of EsupPortail/esup-nfc-tag-server (applicationContext-desfire.xml:
 * AIDs F585C1 and F585C0, AES keys, enciphered files of 31 bytes): a station set up that way
 * writes campuscard's values without change. The ESC application's AID is campuscard's default:
 * no public source we read fixes it; a deployment whose ESC encoding uses another AID says so in
 * its station. The CROUS/Izly application is the CROUS's: its AID (RID + PIX) and keys come from
 * the CROUS, campuscard gives only the card number written in it.
 *
 * Access rights are the four DESFire nibbles read, write, read-write, change (hex, `E` free access,
 * `F` denied), as the chip's ChangeFileSettings takes them.
 */

/** What a file holds, named by the session field that gives it. */
export type DesfireFileContent = 'escn' | 'escSignature' | 'accessControlId' | 'secondaryId' | 'crousCardNumber';

export interface DesfireFile {
  /** File number within the application (0–31). */
  fileNo: number;
  /** Standard data file. */
  type: 'standard';
  /** Bytes. */
  size: number;
  /** `plain`, `maced` or `enciphered` (DESFire communication settings 00, 01, 03). */
  communication: 'plain' | 'maced' | 'enciphered';
  /** Hex nibbles: read, write, read-write, change key numbers (E free, F never). */
  accessRights: string;
  content: DesfireFileContent;
  /** How the value is put in the file. */
  encoding: string;
}

export interface DesfireApplication {
  /** campuscard's name of the application. */
  id: 'esc' | 'access-control' | 'library' | 'crous';
  name: string;
  /** 3-byte DESFire AID as 6 hex digits; null when another party (the CROUS) assigns it. */
  aid: string | null;
  /** Where the AID comes from. */
  aidSource: string;
  keyType: 'AES' | null;
  /** Key numbers the application holds (0 is its master key); references only. */
  keys: ReadonlyArray<{ keyNo: number; role: string }>;
  /** Application master key settings byte (hex), as CreateApplication takes it. */
  keySettings: string | null;
  files: readonly DesfireFile[];
}

export interface DesfireLayout {
  version: number;
  applications: readonly DesfireApplication[];
}

/** Key roles shared by the campus applications. */
const CAMPUS_KEYS = (readers: number) => [
  { keyNo: 0, role: 'application master key' },
  ...Array.from({ length: readers }, (_, index) => ({ keyNo: index + 1, role: index === readers - 1 ? 'write and change key' : `read key ${index + 1}` })),
];

/** The layout campuscard expects (served at GET /api/v1/encoding/desfire-layout). */
export const DESFIRE_LAYOUT: DesfireLayout = {
  version: 1,
  applications: [
    {
      id: 'esc', name: 'European Student Card', aid: 'F58840',
      aidSource: 'campuscard default (no public source read fixes the ESC application\'s AID)',
      keyType: 'AES', keySettings: '0B', keys: CAMPUS_KEYS(2),
      files: [
        {
          fileNo: 0, type: 'standard', size: 16, communication: 'plain', accessRights: 'E222', content: 'escn',
          encoding: 'the ESCN as 16 bytes: its 32 hexadecimal digits without hyphens (as ESUP-SGC writes the ESC data)',
        },
        {
          fileNo: 1, type: 'standard', size: 128, communication: 'plain', accessRights: 'E222', content: 'escSignature',
          encoding: 'ECDSA P-256 / SHA-256 signature of file 0 by the institution (DEUINFO scheme); written by stations that hold the institution\'s signing key, empty otherwise',
        },
      ],
    },
    {
      id: 'access-control', name: 'Access control', aid: 'F585C1',
      aidSource: 'EsupPortail/esup-nfc-tag-server sample configuration',
      keyType: 'AES', keySettings: '0B', keys: CAMPUS_KEYS(4),
      files: [
        {
          fileNo: 0, type: 'standard', size: 64, communication: 'enciphered', accessRights: '1444', content: 'accessControlId',
          encoding: 'the access-control id in ASCII digits, left-padded with zeros to the institution\'s length (up to 64)',
        },
      ],
    },
    {
      id: 'library', name: 'Library barcode (secondary id)', aid: 'F585C0',
      aidSource: 'EsupPortail/esup-nfc-tag-server sample configuration',
      keyType: 'AES', keySettings: '0B', keys: CAMPUS_KEYS(3),
      files: [
        {
          fileNo: 0, type: 'standard', size: 31, communication: 'enciphered', accessRights: '1223', content: 'secondaryId',
          encoding: 'the secondary id in ASCII, check digit included',
        },
      ],
    },
    {
      id: 'crous', name: 'CROUS / Izly', aid: null,
      aidSource: 'the CROUS: RID and PIX (the SmartCard fields rid, pixSs, pixNn) of its card file or agreement; keys held by the CROUS',
      keyType: null, keySettings: null, keys: [],
      files: [
        {
          fileNo: 0, type: 'standard', size: 4, communication: 'enciphered', accessRights: 'FFFF', content: 'crousCardNumber',
          encoding: 'the CROUS card number (idZdc), written with the CROUS\'s own tools and keys; campuscard gives the number only',
        },
      ],
    },
  ],
};
