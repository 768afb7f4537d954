// Makes sure Debian's Chromium is there for the browser tests; installs it with apt when we can.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (existsSync(CHROMIUM)) process.exit(0);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(
    `Chromium est introuvable (${CHROMIUM}). Installez-le : sudo apt-get install -y chromium ` +
      '(ou indiquez son chemin dans CHROMIUM_PATH).',
  );
  process.exit(1);
}
console.log('Installation de Chromium (apt-get) pour les tests dans le navigateur…');
execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
  stdio: 'inherit',
  shell: '/bin/bash',
});
