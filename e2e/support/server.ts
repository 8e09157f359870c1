import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SUITE_CLOCK_START } from './clock';

/** The repository root and the release binary the suite tests. */
export const repo = path.resolve(__dirname, '..', '..');
export const binary = path.join(repo, 'target/release/privacy-center');

/** The suite server's data directory (set by playwright.config.ts). */
export function suiteDataDir(): string {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error('E2E_DATA_DIR is not set; run through playwright.config.ts');
  return dir;
}

/** Mints a real handoff token with the CLI, against a server's data directory (run from the repository, whose policies/ it checks the app against). */
export function mintToken(app: string, user: string, dataDir = suiteDataDir()): string {
  return execFileSync(binary, ['token', '--app', app, '--user', user, '--data-dir', dataDir], { encoding: 'utf8', cwd: repo }).trim();
}

/** An app's service token for the internal status route, printed by the CLI as a host app's operator would get it. */
export function serviceToken(app: string, dataDir = suiteDataDir()): string {
  return execFileSync(binary, ['token', '--service', '--app', app, '--data-dir', dataDir], { encoding: 'utf8', cwd: repo }).trim();
}

/** The staff credential a server on `dataDir` accepts, printed by the CLI as an operator would get it. */
export function staffCredential(dataDir = suiteDataDir()): string {
  return execFileSync(binary, ['staff-credential', '--data-dir', dataDir], { encoding: 'utf8', cwd: repo }).trim();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A private copy of `policies/` and a data directory for a test that needs
 * to change the policy tree while a server runs on it.
 */
export class Sandbox {
  readonly root: string;
  readonly policies: string;
  readonly dataDir: string;

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-'));
    this.policies = path.join(this.root, 'policies');
    this.dataDir = path.join(this.root, 'data');
    fs.cpSync(path.join(repo, 'policies'), this.policies, { recursive: true });
  }

  /**
   * Publishes a new version of `app`'s policy: the current text under new
   * front matter (version = file name, published = effective = `date`).
   */
  publish(app: string, date: string, opts: { material: boolean; summary?: string }) {
    const base = fs.readFileSync(path.join(this.policies, app, '2020-10-01.md'), 'utf8');
    const body = base.replace(/^\+\+\+[\s\S]*?\n\+\+\+\n/, '');
    const front = [
      '+++',
      `version = "${date}"`,
      'title = "V聊隐私政策"',
      'status = "published"',
      `published = ${date}`,
      `effective = ${date}`,
      `material = ${opts.material}`,
      ...(opts.summary ? [`summary = "${opts.summary}"`] : []),
      '+++',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(this.policies, app, `${date}.md`), front + body);
  }

  /**
   * Turns a published version of `app` back into a draft (status, no
   * dates), for tests written against a tree where it was one.
   */
  unpublish(app: string, version: string) {
    const file = path.join(this.policies, app, `${version}.md`);
    const text = fs.readFileSync(file, 'utf8');
    const draft = text.replace('status = "published"', 'status = "draft"').replace(/^(published|effective) = .*\n/gm, '');
    if (draft === text) throw new Error(`${app}/${version} is not published`);
    fs.writeFileSync(file, draft);
  }

  remove() {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** A `privacy-center serve --dev` process of its own, on a free loopback port. */
export class Server {
  private constructor(
    private proc: ChildProcess,
    readonly port: number,
    private stderr: string[],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Starts a server on `sandbox` and waits until it answers /api/health.
   * `clockStart` (RFC 3339) is the time its clock reads at start
   * (`--dev-clock-start`; the suite's day, `SUITE_CLOCK_START`, by
   * default); `env` adds to its environment.
   */
  static async start(sandbox: Sandbox, port?: number, opts: { clockStart?: string; env?: Record<string, string> } = {}): Promise<Server> {
    const p = port ?? (await freePort());
    const args = [
      'serve',
      '--addr', `127.0.0.1:${p}`,
      '--data-dir', sandbox.dataDir,
      '--policies', sandbox.policies,
      '--dist', path.join(repo, 'dist'),
      '--dev',
      // On the suite's day unless the test names another: on the real date
      // a test would see other versions in force as the calendar moves on.
      '--dev-clock-start', opts.clockStart ?? SUITE_CLOCK_START,
    ];
    const stderr: string[] = [];
    const proc = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...opts.env } });
    proc.stderr?.on('data', (d) => stderr.push(String(d)));
    const server = new Server(proc, p, stderr);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}: ${stderr.join('')}`);
      try {
        if ((await fetch(`${server.url}/api/health`)).ok) return server;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.stop();
    throw new Error(`server did not start: ${stderr.join('')}`);
  }

  /** Sends SIGHUP: the server reloads its policy tree. */
  hangUp() {
    this.proc.kill('SIGHUP');
  }

  /** Stops the process and waits until it has exited (its port is then free). */
  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    await exited;
  }
}
