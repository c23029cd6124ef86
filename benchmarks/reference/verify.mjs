// Verifies every credential file in a folder with Digital Bazaar's reference libraries, in one
// node process: the peer that benchmarks/versus_js.py times credwallet against.
// Usage: node verify.mjs CONTEXTS_DIR CREDENTIALS_DIR
// CONTEXTS_DIR holds index.json (URL -> {file}) and the context files. did:key verification
// methods are derived from the DID itself, as a resolver would, with no network.
import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfcSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createVerifyCryptosuite as jcsVerifySuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as securityContext from '@digitalbazaar/security-context';

const [contextsDir, credentialsDir] = process.argv.slice(2);
const documents = new Map();
for (const [url, entry] of Object.entries(
  JSON.parse(readFileSync(join(contextsDir, 'index.json'), 'utf8')))) {
  documents.set(url, JSON.parse(readFileSync(join(contextsDir, entry.file), 'utf8')));
}
for (const map of [credentialsContext.contexts, securityContext.contexts]) {
  for (const [url, doc] of map) {
    if(!documents.has(url)) {
      documents.set(url, doc);
    }
  }
}

function didKeyDocument(did) {
  const fingerprint = did.slice('did:key:'.length);
  const id = `${did}#${fingerprint}`;
  const method = {
    '@context': 'https://w3id.org/security/multikey/v1',
    id, type: 'Multikey', controller: did, publicKeyMultibase: fingerprint
  };
  return {
    method,
    controller: {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did, verificationMethod: [method], assertionMethod: [id], authentication: [id]
    }
  };
}

async function documentLoader(url) {
  if(url.startsWith('did:key:')) {
    const [did, fragment] = url.split('#');
    const {method, controller} = didKeyDocument(did);
    return {contextUrl: null, documentUrl: url, document: fragment ? method : controller};
  }
  const document = documents.get(url);
  if(!document) {
    throw new Error(`document not available offline: ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

const suite = new DataIntegrityProof({cryptosuite: rdfcSuite});
const jcs = new DataIntegrityProof({cryptosuite: jcsVerifySuite()});
let valid = 0;
let invalid = 0;
for (const name of readdirSync(credentialsDir).sort()) {
  const credential = JSON.parse(readFileSync(join(credentialsDir, name), 'utf8'));
  const result = await vc.verifyCredential({
    credential, suite: [suite, jcs], documentLoader, checkStatus: undefined
  });
  if(result.verified) {
    valid++;
  } else {
    invalid++;
    if(invalid === 1) {
      console.error(JSON.stringify(result.error ?? result, null, 1).slice(0, 2000));
    }
  }
}
console.log(JSON.stringify({valid, invalid}));
