/** One-line structured logs on stderr; quiet unless MINIEKS_LOG or the config asks for them. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(enabled: boolean): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    if (!enabled && level !== "error") return;
    const extra = fields ? " " + JSON.stringify(fields) : "";
    process.stderr.write(`${new Date().toISOString()} ${level} ${message}${extra}\n`);
  };
  return { info: write("info"), warn: write("warn"), error: write("error") };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
