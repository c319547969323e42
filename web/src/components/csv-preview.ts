/**
 * The first rows of a CSV file, for the import preview before anything is sent. Handles quoted
 * cells (commas, doubled quotes and line breaks inside), CRLF and a byte-order mark. The server
 * parses the file again strictly and is the judge of what is valid.
 */
export type CsvPreview = { header: string[]; rows: string[][]; more: boolean };

export function previewCsv(text: string, maxRows = 20): CsvPreview {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const endRecord = () => {
    record.push(cell);
    cell = '';
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };

  for (; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else quoted = false;
      } else cell += c;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      endRecord();
      // the header, maxRows rows, and one more to know there are more
      if (records.length > maxRows + 1) break;
    } else cell += c;
  }
  if (i >= text.length && (cell !== '' || record.length > 0)) endRecord();
  const [header = [], ...rows] = records;
  return { header, rows: rows.slice(0, maxRows), more: rows.length > maxRows };
}
