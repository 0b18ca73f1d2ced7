/**
 * Something `npm start` or packaging needs and could not get: said as what is missing, why, and
 * the exact commands that fix it, never as a stack trace.
 */
export class MissingPiece extends Error {
  constructor(
    readonly what: string,
    readonly why: string,
    readonly fix: readonly string[],
  ) {
    super(`${what}: ${why}`);
    this.name = 'MissingPiece';
  }
}

/** The text printed for missing pieces, one block each. */
export function describeMissing(pieces: readonly MissingPiece[]): string {
  return pieces
    .map((piece) => [`Missing: ${piece.what}`, `  ${piece.why}`, '  To fix:', ...piece.fix.map((line) => `    ${line}`)].join('\n'))
    .join('\n\n');
}

/** The first line of an error's message (the rest is usually a stack or a child's whole output). */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? 'unknown error'
  );
}
