#!/usr/bin/env node
// token.js: the kind of script jwtcred replaces, written the way such scripts
// usually are.  It is a benchmark baseline (tests/bench/run), not a tool.
//
// Prints an access token: from a cache file while it is fresh, else it signs a
// JWT bearer assertion (RS256, jsonwebtoken), POSTs it to the token endpoint
// and writes the cache file.  --no-cache always mints.
//
// Settings come from the environment:
//   SF_CLIENT_ID, SF_USERNAME, SF_LOGIN_URL, SF_AUDIENCE, SF_KEY_FILE,
//   SF_CA_FILE (optional: a private CA), TOKEN_CACHE (the cache file),
//   TOKEN_LIFETIME (seconds, default 900).
'use strict';

const fs = require('fs');
const https = require('https');
const jwt = require('jsonwebtoken');

const env = process.env;
const cacheFile = env.TOKEN_CACHE || `${require('os').homedir()}/.sf-token.json`;
const lifetime = Number(env.TOKEN_LIFETIME || 900);
const margin = 60;

function cached() {
  try {
    const c = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    if (c.access_token && c.expires_at - margin > Date.now() / 1000) return c.access_token;
  } catch (e) {
    // no cache yet, or a broken one: mint
  }
  return null;
}

function post(url, form, ca) {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams(form).toString();
    const req = https.request(url, {
      method: 'POST',
      ca,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': Buffer.byteLength(body),
        Accept: 'application/json',
      },
      timeout: 10000,
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { data += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, data }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

async function mint() {
  const loginUrl = env.SF_LOGIN_URL || 'https://login.salesforce.com';
  const key = fs.readFileSync(env.SF_KEY_FILE);
  const assertion = jwt.sign(
    { iss: env.SF_CLIENT_ID, sub: env.SF_USERNAME, aud: env.SF_AUDIENCE || loginUrl },
    key, { algorithm: 'RS256', expiresIn: 180 });
  const ca = env.SF_CA_FILE ? fs.readFileSync(env.SF_CA_FILE) : undefined;
  const res = await post(`${loginUrl}/services/oauth2/token`, {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion,
  }, ca);
  let answer = null;
  try { answer = JSON.parse(res.data); } catch (e) { /* reported below */ }
  if (res.status !== 200 || !answer || !answer.access_token) {
    const why = answer && answer.error ? `${answer.error}: ${answer.error_description}` : `HTTP ${res.status}`;
    throw new Error(`token request failed: ${why}`);
  }
  const entry = {
    access_token: answer.access_token,
    instance_url: answer.instance_url,
    expires_at: Math.floor(Date.now() / 1000) + (answer.expires_in || lifetime),
  };
  fs.writeFileSync(cacheFile, JSON.stringify(entry), { mode: 0o600 });
  return entry.access_token;
}

async function main() {
  const token = (!process.argv.includes('--no-cache') && cached()) || await mint();
  process.stdout.write(`${token}\n`);
}

main().catch((e) => {
  process.stderr.write(`token.js: ${e.message}\n`);
  process.exit(1);
});
