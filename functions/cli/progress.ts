// Progress on stderr: one rewritten line on a terminal, a line every few seconds otherwise.
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  return (what: string, done: number, total?: number) => {
    const now = Date.now();
    const text = `${what}: ${done}${total !== undefined ? `/${total}` : ''}`;
    if (stream.isTTY) {
      stream.write(`\r\x1b[K${text}`);
    } else if (now - last > 2000) {
      stream.write(text + '\n');
      last = now;
    }
  };
}

export function endProgress(stream: NodeJS.WriteStream = process.stderr): void {
  if (stream.isTTY) stream.write('\r\x1b[K');
}
