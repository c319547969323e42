/** Shows a piece of a serial in a message: quoted, escaped, cut at 24 characters. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);
}
