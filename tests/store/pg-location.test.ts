import { describe, expect, it } from 'vitest';
import { parsePgLocation, redact } from '../../src/store/postgres/location.js';

describe('PostgreSQL location: the password never shows', () => {
  it('redacts a password given before the @', () => {
    const loc = parsePgLocation('postgresql://alice:s3cr%40t@127.0.0.1:5432/db');
    expect(loc.shown).toBe('postgresql://alice:***@127.0.0.1:5432/db');
    expect(redact('auth failed for s3cr@t and s3cr%40t', loc)).toBe('auth failed for *** and ***');
  });

  it('redacts password= and sslpassword= query parameters, which pg also accepts', () => {
    const loc = parsePgLocation('postgresql://alice@127.0.0.1:5432/db?sslmode=require&password=hunter%202&sslpassword=keypass');
    expect(loc.shown).not.toMatch(/hunter|keypass/);
    expect(loc.shown).toContain('sslmode=require');
    expect(loc.shown).toContain('password=***');
    expect(redact('server said: password "hunter 2" / hunter%202 / keypass', loc)).not.toMatch(/hunter|keypass/);
    expect(loc.connectionString).toContain('password=hunter%202'); // pg still gets it
  });
});
