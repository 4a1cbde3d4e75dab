// Golden-vector generator for the C# Billing.Solana client.
//
// Uses @solana/web3.js v1 + @solana/spl-token as the reference implementation and writes JSON into
// tests/Billing.Solana.Tests/Vectors/. The JSON is checked in, so the C# tests never need Node.
// Everything is deterministic (keys from sha256 of fixed labels, a fixed blockhash): re-running the
// script must reproduce the same files byte for byte.
//
//   node tests/localnet/generate-vectors.mjs        (or: npm run vectors)
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ComputeBudgetProgram,
  Keypair,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
} from '@solana/web3.js';
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createAssociatedTokenAccountInstruction,
  createBurnCheckedInstruction,
  createBurnInstruction,
  createInitializeMint2Instruction,
  createMintToCheckedInstruction,
  createTransferCheckedInstruction,
  getAssociatedTokenAddressSync,
  ASSOCIATED_TOKEN_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import bs58 from 'bs58';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'Billing.Solana.Tests', 'Vectors');
const MEMO_PROGRAM_ID = new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');

const sha256 = (label) => createHash('sha256').update(label).digest();
const seedFor = (label) => sha256(`billing-solana-vectors/${label}`);
const keypair = (label) => Keypair.fromSeed(seedFor(label));
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

const BLOCKHASH = bs58.encode(sha256('billing-solana-vectors/blockhash'));

// Deterministic PRNG (mulberry32) for the random-but-seeded parts.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A valid 32-byte key whose base58 text starts with `prefix` (used to exercise web3.js's
// localeCompare ordering: case-only differences, digits vs letters, prefix lengths).
function craftedKey(prefix, length = 43, filler = 'Qm7xR2kLp9Wv') {
  let text = prefix;
  let i = 0;
  while (text.length < length) text += filler[i++ % filler.length];
  const bytes = bs58.decode(text);
  if (bytes.length !== 32 || bs58.encode(bytes) !== text) throw new Error(`not a 32-byte key: ${text}`);
  return new PublicKey(text);
}

const meta = (pubkey, isSigner, isWritable) => ({ pubkey, isSigner, isWritable });

// Each op yields the web3.js instruction and a typed description the C# tests rebuild with their own builders.
const ops = {
  transfer: (from, to, lamports) => ({
    op: { type: 'systemTransfer', from: from.toBase58(), to: to.toBase58(), lamports: lamports.toString() },
    ix: SystemProgram.transfer({ fromPubkey: from, toPubkey: to, lamports: BigInt(lamports) }),
  }),
  createAccount: (from, newAccount, lamports, space, owner) => ({
    op: { type: 'systemCreateAccount', from: from.toBase58(), newAccount: newAccount.toBase58(), lamports: lamports.toString(), space: space.toString(), owner: owner.toBase58() },
    ix: SystemProgram.createAccount({ fromPubkey: from, newAccountPubkey: newAccount, lamports: Number(lamports), space: Number(space), programId: owner }),
  }),
  allocateWithSeed: async (base, seed, space, owner) => {
    const account = await PublicKey.createWithSeed(base, seed, owner);
    return {
      op: { type: 'systemAllocateWithSeed', account: account.toBase58(), base: base.toBase58(), seed, space: space.toString(), owner: owner.toBase58() },
      ix: SystemProgram.allocate({ accountPubkey: account, basePubkey: base, seed, space: Number(space), programId: owner }),
    };
  },
  burn: (account, mint, owner, amount) => ({
    op: { type: 'burn', account: account.toBase58(), mint: mint.toBase58(), owner: owner.toBase58(), amount: amount.toString() },
    ix: createBurnInstruction(account, mint, owner, BigInt(amount)),
  }),
  burnChecked: (account, mint, owner, amount, decimals) => ({
    op: { type: 'burnChecked', account: account.toBase58(), mint: mint.toBase58(), owner: owner.toBase58(), amount: amount.toString(), decimals },
    ix: createBurnCheckedInstruction(account, mint, owner, BigInt(amount), decimals),
  }),
  transferChecked: (source, mint, destination, owner, amount, decimals) => ({
    op: { type: 'transferChecked', source: source.toBase58(), mint: mint.toBase58(), destination: destination.toBase58(), owner: owner.toBase58(), amount: amount.toString(), decimals },
    ix: createTransferCheckedInstruction(source, mint, destination, owner, BigInt(amount), decimals),
  }),
  mintToChecked: (mint, destination, authority, amount, decimals) => ({
    op: { type: 'mintToChecked', mint: mint.toBase58(), destination: destination.toBase58(), authority: authority.toBase58(), amount: amount.toString(), decimals },
    ix: createMintToCheckedInstruction(mint, destination, authority, BigInt(amount), decimals),
  }),
  initializeMint2: (mint, decimals, authority, freeze) => ({
    op: { type: 'initializeMint2', mint: mint.toBase58(), decimals, mintAuthority: authority.toBase58(), freezeAuthority: freeze ? freeze.toBase58() : null },
    ix: createInitializeMint2Instruction(mint, decimals, authority, freeze ?? null),
  }),
  createAtaIdempotent: (payer, owner, mint) => ({
    op: { type: 'createAssociatedTokenAccountIdempotent', payer: payer.toBase58(), owner: owner.toBase58(), mint: mint.toBase58() },
    ix: createAssociatedTokenAccountIdempotentInstruction(payer, getAssociatedTokenAddressSync(mint, owner, true), owner, mint),
  }),
  createAta: (payer, owner, mint) => ({
    op: { type: 'createAssociatedTokenAccount', payer: payer.toBase58(), owner: owner.toBase58(), mint: mint.toBase58() },
    ix: createAssociatedTokenAccountInstruction(payer, getAssociatedTokenAddressSync(mint, owner, true), owner, mint),
  }),
  memo: (text, signers = []) => ({
    op: { type: 'memo', memo: text, signers: signers.map((s) => s.toBase58()) },
    // Same shape as @solana/spl-memo's createMemoInstruction: signers are read-only signer accounts.
    ix: new TransactionInstruction({ programId: MEMO_PROGRAM_ID, keys: signers.map((s) => meta(s, true, false)), data: Buffer.from(text, 'utf8') }),
  }),
  computeUnitLimit: (units) => ({
    op: { type: 'setComputeUnitLimit', units },
    ix: ComputeBudgetProgram.setComputeUnitLimit({ units }),
  }),
  computeUnitPrice: (microLamports) => ({
    op: { type: 'setComputeUnitPrice', microLamports: microLamports.toString() },
    ix: ComputeBudgetProgram.setComputeUnitPrice({ microLamports: BigInt(microLamports) }),
  }),
  raw: (programId, keys, data) => {
    const ix = new TransactionInstruction({ programId, keys, data: Buffer.from(data) });
    return { op: { type: 'raw', ...describeInstruction(ix) }, ix };
  },
};

function describeInstruction(ix) {
  return {
    programId: ix.programId.toBase58(),
    keys: ix.keys.map((k) => ({ pubkey: k.pubkey.toBase58(), isSigner: k.isSigner, isWritable: k.isWritable })),
    data: b64(ix.data),
  };
}

function vector(name, description, feePayer, signers, items, { partialSigners } = {}) {
  const tx = new Transaction({ feePayer: feePayer.publicKey ?? feePayer, recentBlockhash: BLOCKHASH });
  for (const item of items) tx.add(item.ix);
  const message = tx.serializeMessage();
  let wire;
  if (partialSigners) {
    tx.partialSign(...partialSigners);
    wire = tx.serialize({ requireAllSignatures: false, verifySignatures: false });
  } else {
    tx.sign(...signers);
    wire = tx.serialize();
  }
  const compiled = tx.compileMessage();
  return {
    name,
    description,
    feePayer: (feePayer.publicKey ?? feePayer).toBase58(),
    recentBlockhash: BLOCKHASH,
    signerSeeds: (partialSigners ?? signers).map((s) => hex(s.secretKey.subarray(0, 32))),
    partial: Boolean(partialSigners),
    ops: items.map((i) => i.op),
    instructions: items.map((i) => describeInstruction(i.ix)),
    header: compiled.header,
    accountKeys: compiled.accountKeys.map((k) => k.toBase58()),
    message: b64(message),
    transaction: b64(wire),
    signatures: tx.signatures.map((s) => (s.signature ? bs58.encode(s.signature) : null)),
  };
}

const payer = keypair('payer');
const owner = keypair('owner');
const authority = keypair('mint-authority');
const mintKp = keypair('mint');
const mint = mintKp.publicKey;
const other = keypair('other');
const cosigner = keypair('cosigner');
const ownerAta = getAssociatedTokenAddressSync(mint, owner.publicKey);
const otherAta = getAssociatedTokenAddressSync(mint, other.publicKey);
const payerAta = getAssociatedTokenAddressSync(mint, payer.publicKey);
const customProgram = craftedKey('Prog');

const vectors = [];
const add = (...args) => vectors.push(vector(...args));

add('system-transfer', 'System transfer, payer is the source', payer, [payer], [ops.transfer(payer.publicKey, other.publicKey, 1_000_000n)]);
add('system-create-account', 'createAccount: payer and new account both sign', payer, [payer, mintKp],
  [ops.createAccount(payer.publicKey, mint, 1_461_600n, 82n, TOKEN_PROGRAM_ID)]);
add('token-burn', 'Unchecked Burn (tag 8)', owner, [owner], [ops.burn(ownerAta, mint, owner.publicKey, 123_456_789n)]);
add('token-burn-checked', 'BurnChecked (tag 15), 8 decimals', owner, [owner], [ops.burnChecked(ownerAta, mint, owner.publicKey, 250_000_000n, 8)]);
add('token-burn-checked-max-amount', 'BurnChecked with u64::MAX', owner, [owner], [ops.burnChecked(ownerAta, mint, owner.publicKey, 18_446_744_073_709_551_615n, 8)]);
add('token-transfer-checked', 'TransferChecked (tag 12)', owner, [owner], [ops.transferChecked(ownerAta, mint, otherAta, owner.publicKey, 42n, 8)]);
add('token-mint-to-checked', 'MintToChecked (tag 14), separate fee payer', payer, [payer, authority], [ops.mintToChecked(mint, ownerAta, authority.publicKey, 100_000_000_000_000_000n, 8)]);
add('token-initialize-mint', 'createAccount + InitializeMint2 without freeze authority', payer, [payer, mintKp], [
  ops.createAccount(payer.publicKey, mint, 1_461_600n, 82n, TOKEN_PROGRAM_ID),
  ops.initializeMint2(mint, 8, authority.publicKey, null),
]);
add('token-initialize-mint-freeze', 'InitializeMint2 with freeze authority', payer, [payer, mintKp], [
  ops.createAccount(payer.publicKey, mint, 1_461_600n, 82n, TOKEN_PROGRAM_ID),
  ops.initializeMint2(mint, 6, authority.publicKey, other.publicKey),
]);
add('ata-create-idempotent', 'ATA CreateIdempotent (data [1])', payer, [payer], [ops.createAtaIdempotent(payer.publicKey, owner.publicKey, mint)]);
add('ata-create', 'ATA Create (empty data)', payer, [payer], [ops.createAta(payer.publicKey, other.publicKey, mint)]);
add('memo-no-signers', 'Memo v2 without signer accounts', payer, [payer], [ops.memo('ledger-root:00000000')]);
add('memo-with-signers', 'Memo v2 with two signer accounts', payer, [payer, owner, cosigner], [ops.memo('signed memo', [owner.publicKey, cosigner.publicKey])]);
add('memo-unicode', 'Memo with non-ASCII UTF-8', payer, [payer], [ops.memo('Grüße — 燃烧 🔥 ledger')]);
add('memo-long', 'Memo longer than 127 bytes: two-byte compact-u16 length', payer, [payer],
  [ops.memo('merkle-root:' + sha256('root').toString('hex').repeat(6))]);
add('compute-unit-limit', 'SetComputeUnitLimit (tag 2, u32)', payer, [payer], [ops.computeUnitLimit(200_000)]);
add('compute-unit-price', 'SetComputeUnitPrice (tag 3, u64 micro-lamports)', payer, [payer], [ops.computeUnitPrice(50_000n)]);
add('billing-burn', 'Compute budget + BurnChecked + Memo, owner pays', owner, [owner], [
  ops.computeUnitLimit(60_000),
  ops.computeUnitPrice(1_000n),
  ops.burnChecked(ownerAta, mint, owner.publicKey, 1_500_000_000n, 8),
  ops.memo('burn:invoice-2024-0001', [owner.publicKey]),
]);
const markerSeed = b64url(sha256('marker-seed')).slice(0, 32);
const markerOf = (base) => PublicKey.createWithSeed(base, markerSeed, SystemProgram.programId);
add('system-allocate-with-seed', 'allocateWithSeed: the base signs, the seeded account does not', payer, [payer],
  [await ops.allocateWithSeed(payer.publicKey, 'marker', 1n, SystemProgram.programId)]);
add('system-allocate-with-seed-unicode', 'allocateWithSeed with a multi-byte UTF-8 seed, another owner and more space', payer, [payer, owner],
  [await ops.allocateWithSeed(owner.publicKey, 'Grüße-燃烧', 82n, TOKEN_PROGRAM_ID)]);
add('billing-burn-marker', 'Compute budget + marker (transfer, allocateWithSeed) + BurnChecked + Memo, owner pays: the burn the executor signs', owner, [owner], [
  ops.computeUnitLimit(60_000),
  ops.computeUnitPrice(1_000n),
  ops.transfer(owner.publicKey, await markerOf(owner.publicKey), 897_840n),
  await ops.allocateWithSeed(owner.publicKey, markerSeed, 1n, SystemProgram.programId),
  ops.burnChecked(ownerAta, mint, owner.publicKey, 1_500_000_000n, 8),
  ops.memo('billing:burn:v1:inv-2024-0001:burn-inv-2024-0001', [owner.publicKey]),
]);
add('billing-burn-separate-payer', 'BurnChecked + Memo where fee payer and token owner differ', payer, [payer, owner], [
  ops.computeUnitLimit(60_000),
  ops.burnChecked(ownerAta, mint, owner.publicKey, 99n, 8),
  ops.memo('burn:invoice-2024-0002'),
]);
add('mint-then-burn', 'CreateIdempotent + MintToChecked + BurnChecked in one transaction', payer, [payer, authority, owner], [
  ops.createAtaIdempotent(payer.publicKey, owner.publicKey, mint),
  ops.mintToChecked(mint, ownerAta, authority.publicKey, 500n, 8),
  ops.burnChecked(ownerAta, mint, owner.publicKey, 200n, 8),
]);
add('duplicate-accounts-flags', 'Same accounts in several instructions with different signer/writable flags', payer, [payer, owner], [
  ops.raw(customProgram, [meta(owner.publicKey, false, false), meta(mint, false, false), meta(payerAta, false, false)], [1, 2, 3]),
  ops.transferChecked(ownerAta, mint, payerAta, owner.publicKey, 7n, 8),
  ops.raw(customProgram, [meta(mint, false, true), meta(owner.publicKey, true, false), meta(ownerAta, false, false)], []),
]);
add('fee-payer-referenced-readonly', 'Fee payer appears as read-only non-signer and is promoted', payer, [payer], [
  ops.raw(customProgram, [meta(payer.publicKey, false, false), meta(other.publicKey, false, true)], [9]),
]);
add('program-id-as-account', 'A program id also used as an account elsewhere', payer, [payer], [
  ops.createAtaIdempotent(payer.publicKey, other.publicKey, mint),
  ops.raw(customProgram, [meta(TOKEN_PROGRAM_ID, false, true), meta(ASSOCIATED_TOKEN_PROGRAM_ID, false, false)], [0xff]),
]);
add('many-signers', 'Five signers passed in scrambled order', payer, [cosigner, other, payer, owner, authority], [
  ops.memo('multi', [other.publicKey, authority.publicKey, owner.publicKey, cosigner.publicKey]),
  ops.transfer(cosigner.publicKey, payer.publicKey, 5n),
]);
add('partial-signing', 'Only the fee payer signs; the owner signature is left as zeros', payer, [payer, owner], [
  ops.burnChecked(ownerAta, mint, owner.publicKey, 10n, 8),
], { partialSigners: [payer] });
add('partial-signing-non-payer', 'Only the owner signs; the fee payer slot is zeros', payer, [payer, owner], [
  ops.burnChecked(ownerAta, mint, owner.publicKey, 10n, 8),
  ops.memo('needs payer signature', [owner.publicKey]),
], { partialSigners: [owner] });

// Ordering: crafted keys whose base58 text differs only by case, by digits vs letters and by length.
const caseKeys = ['aBc', 'AbC', 'abc', 'ABC', 'aBC', 'Abc'].map((p) => craftedKey(`Z${p}`));
add('order-case-only', 'Writable non-signers whose base58 differs only in case (lowercase first at the first difference)', payer, [payer], [
  ops.raw(customProgram, caseKeys.map((k) => meta(k, false, true)), [1]),
]);
const mixedKeys = ['a', 'B', 'b', 'A', 'z', 'Z', '9', '8', 'x', 'Y'].map((p) => craftedKey(`${p}7`));
add('order-mixed-case-and-digits', 'Read-only non-signers: digits before letters, letters case-insensitive', payer, [payer], [
  ops.raw(customProgram, mixedKeys.map((k) => meta(k, false, false)), [2]),
]);
const lengthKeys = [craftedKey('5abc', 43, 'XyZ'), craftedKey('5abc', 44, 'XyZ'), craftedKey('5ABC', 44, 'XyZ'), craftedKey('5Abc', 43, 'xYz'), craftedKey('1111', 42, '5PqR')];
add('order-prefix-length', 'Keys sharing a case-insensitive prefix with different lengths, plus a leading-zero key', payer, [payer], [
  ops.raw(customProgram, lengthKeys.map((k, i) => meta(k, false, i % 2 === 0)), [3]),
]);
const signerPool = Array.from({ length: 8 }, (_, i) => keypair(`signer-pool/${i}`));
add('order-signers', 'Eight writable and read-only signers sorted by base58 locale order', payer, [payer, ...signerPool], [
  ops.raw(customProgram, signerPool.map((k, i) => meta(k.publicKey, true, i % 3 !== 0)), [4]),
]);

// Seeded random mixes of all instruction kinds.
const rand = prng(20240601);
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const pool = Array.from({ length: 6 }, (_, i) => keypair(`random-pool/${i}`));
const mints = [mint, keypair('random-mint/1').publicKey];
for (let v = 0; v < 16; v++) {
  const feePayer = pick(pool);
  const signers = new Map([[feePayer.publicKey.toBase58(), feePayer]]);
  const need = (kp) => { signers.set(kp.publicKey.toBase58(), kp); return kp.publicKey; };
  const items = [];
  const count = 1 + Math.floor(rand() * 5);
  for (let n = 0; n < count; n++) {
    const m = pick(mints);
    const a = pick(pool);
    const b = pick(pool);
    const amount = BigInt(Math.floor(rand() * 1e9)) * 1000n + BigInt(Math.floor(rand() * 1000));
    switch (Math.floor(rand() * 9)) {
      case 0: items.push(ops.transfer(need(a), b.publicKey, amount)); break;
      case 1: items.push(ops.burnChecked(getAssociatedTokenAddressSync(m, a.publicKey), m, need(a), amount, 8)); break;
      case 2: items.push(ops.burn(getAssociatedTokenAddressSync(m, a.publicKey), m, need(a), amount)); break;
      case 3: items.push(ops.transferChecked(getAssociatedTokenAddressSync(m, a.publicKey), m, getAssociatedTokenAddressSync(m, b.publicKey), need(a), amount, 8)); break;
      case 4: items.push(ops.mintToChecked(m, getAssociatedTokenAddressSync(m, b.publicKey), need(a), amount, 8)); break;
      case 5: items.push(ops.createAtaIdempotent(feePayer.publicKey, b.publicKey, m)); break;
      case 6: items.push(ops.memo(`random memo ${v}/${n}`, rand() < 0.5 ? [need(a)] : [])); break;
      case 7: items.push(ops.computeUnitLimit(Math.floor(rand() * 1_400_000))); break;
      default: items.push(ops.computeUnitPrice(amount)); break;
    }
  }
  add(`random-${String(v).padStart(2, '0')}`, 'Seeded random instruction mix', feePayer, [...signers.values()], items);
}

// Derivations: ATAs and PDAs for 120 seeded owners.
const pdaProgram = keypair('pda-program').publicKey;
const derivations = [];
// createWithSeed: sha256(base ‖ seed ‖ owner), seeds of 0 to 32 bytes (ASCII and multi-byte UTF-8), system and token owners.
async function withSeedOf(base, i) {
  const ascii = b64url(sha256(`owners/${i}/with-seed`)).slice(0, i < 4 ? [0, 1, 31, 32][i] : i % 33);
  const seed = i >= 4 && i % 3 === 2 ? 'Grüße-燃烧-'.slice(0, i % 11) : ascii;
  const owner = i % 2 ? TOKEN_PROGRAM_ID : SystemProgram.programId;
  return { seed, owner: owner.toBase58(), address: (await PublicKey.createWithSeed(base, seed, owner)).toBase58() };
}
for (let i = 0; i < 120; i++) {
  const ownerKp = keypair(`owners/${i}`);
  const ownMint = keypair(`owners/${i}/mint`).publicKey;
  const [pda, bump] = PublicKey.findProgramAddressSync([Buffer.from('billing'), ownerKp.publicKey.toBuffer()], pdaProgram);
  const extraSeed = sha256(`owners/${i}/seed`);
  const [pda2, bump2] = PublicKey.findProgramAddressSync([Buffer.alloc(0), extraSeed, Buffer.from([i])], pdaProgram);
  derivations.push({
    seed: hex(seedFor(`owners/${i}`)),
    owner: ownerKp.publicKey.toBase58(),
    mint: mint.toBase58(),
    ata: getAssociatedTokenAddressSync(mint, ownerKp.publicKey).toBase58(),
    ownMint: ownMint.toBase58(),
    ownAta: getAssociatedTokenAddressSync(ownMint, ownerKp.publicKey).toBase58(),
    pdaProgram: pdaProgram.toBase58(),
    pdaSeeds: [b64(Buffer.from('billing')), b64(ownerKp.publicKey.toBuffer())],
    pda: pda.toBase58(),
    bump,
    pda2Seeds: [b64(Buffer.alloc(0)), b64(extraSeed), b64(Buffer.from([i]))],
    pda2: pda2.toBase58(),
    bump2,
    withSeed: await withSeedOf(ownerKp.publicKey, i),
  });
}

// On-curve checks: keypair keys (on), PDAs (off), pseudo-random 32-byte strings (about half each).
const curve = [];
for (let i = 0; i < 20; i++) curve.push({ key: keypair(`curve/keypair/${i}`).publicKey.toBase58(), onCurve: true, source: 'keypair' });
for (const d of derivations.slice(0, 20)) curve.push({ key: d.pda, onCurve: false, source: 'pda' });
for (let i = 0; i < 200; i++) {
  const key = new PublicKey(sha256(`curve/random/${i}`));
  curve.push({ key: key.toBase58(), onCurve: PublicKey.isOnCurve(key.toBytes()), source: 'random' });
}
// (All-0xff is left out: its y is non-canonical; noble rejects it, the runtime's dalek reduces it mod p.
// The C# client follows the runtime, which a unit test documents.)
for (const special of [Buffer.alloc(32), Buffer.from([1, ...Array(31).fill(0)]), Buffer.from([2, ...Array(31).fill(0)])]) {
  const key = new PublicKey(special);
  curve.push({ key: key.toBase58(), onCurve: PublicKey.isOnCurve(special), source: 'special' });
}

// Base58 round trips, including leading zero bytes.
const base58 = [];
const samples = [Buffer.alloc(32), Buffer.from([0, 0, 1, ...Array(29).fill(7)]), Buffer.alloc(32, 0xff), Buffer.from([0]), Buffer.from([0, 0, 0, 255])];
for (let i = 0; i < 40; i++) samples.push(sha256(`base58/${i}`).subarray(0, 1 + (i % 32)));
for (const bytes of samples) base58.push({ hex: hex(bytes), base58: bs58.encode(bytes) });

// Solana CLI keypair files (64 numbers: seed then public key).
const keypairs = [];
for (let i = 0; i < 5; i++) {
  const kp = keypair(`cli/${i}`);
  keypairs.push({ json: JSON.stringify(Array.from(kp.secretKey)), publicKey: kp.publicKey.toBase58() });
}

// Locale ordering of arbitrary base58 strings, checked against ICU directly.
const collationRand = prng(7);
const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const strings = [];
for (let i = 0; i < 300; i++) {
  let s = '';
  const len = 1 + Math.floor(collationRand() * 6);
  for (let j = 0; j < len; j++) s += alphabet[Math.floor(collationRand() * (i % 2 ? 8 : alphabet.length))];
  strings.push(s);
}
const localeOptions = { localeMatcher: 'best fit', usage: 'sort', sensitivity: 'variant', ignorePunctuation: false, numeric: false, caseFirst: 'lower' };
const sorted = [...new Set(strings)].sort((x, y) => x.localeCompare(y, 'en', localeOptions));

mkdirSync(outDir, { recursive: true });
const write = (file, data) => writeFileSync(join(outDir, file), JSON.stringify(data, null, 1) + '\n');
write('transactions.json', { generator: 'web3.js 1.99.0 + spl-token 0.4.15', recentBlockhash: BLOCKHASH, vectors });
write('derivations.json', { tokenProgram: TOKEN_PROGRAM_ID.toBase58(), ataProgram: ASSOCIATED_TOKEN_PROGRAM_ID.toBase58(), owners: derivations });
write('keys.json', { curve, base58, keypairs, localeSorted: sorted });
console.log(`wrote ${vectors.length} transaction vectors, ${derivations.length} derivations, ${curve.length} curve checks to ${outDir}`);
