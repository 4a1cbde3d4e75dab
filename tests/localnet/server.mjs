// Localnet: a small Solana JSON-RPC 2.0 server over LiteSVM for tests and local development.
//
//   node tests/localnet/server.mjs [--port 8899] [--info-file path.json] [--tick-ms 400]
//   (port also from env LOCALNET_PORT; --port 0 picks a free port)
//
// Prints exactly one line `localnet listening on http://127.0.0.1:PORT` once bootstrapped and ready.
// Exits cleanly on SIGTERM / SIGINT.
//
// Standard methods (real-validator response shapes, `{context:{slot,apiVersion},value}` where the RPC has them):
//   getLatestBlockhash, sendTransaction (base64|base58; skipPreflight, preflightCommitment, maxRetries),
//   simulateTransaction, getSignatureStatuses, getTransaction (json|base64), getBlockHeight, getSlot, getEpochInfo,
//   getFirstAvailableBlock, getBlock (transactionDetails "none" only: heights and hashes, no transactions),
//   getAccountInfo (base64; minContextSlot), getBalance, getTokenAccountBalance, getTokenSupply, requestAirdrop, getHealth,
//   getVersion, getMinimumBalanceForRentExemption, getGenesisHash.
//
// Chain model: the server owns block height (= slot) and blockhashes. Height advances by one per landed
// transaction and per timer tick (--tick-ms). Each new block mints a blockhash valid until height + 150;
// a blockhash whose lastValidBlockHeight is below the current height is rejected with BlockhashNotFound.
// Preflight failures are JSON-RPC error -32002 with data {err, logs, accounts:null, unitsConsumed, ...}.
// A resubmitted transaction fails preflight with AlreadyProcessed. With skipPreflight a transaction that fails
// on chain is stored with its error; an expired/unknown blockhash is silently dropped (as on a real cluster).
// Fees are reported as 5000 lamports per signature (no priority-fee accounting).
//
// Test-only admin methods (never present on a real node):
//   admin_advanceBlockHeight [n]      advance height/slot by n blocks (default 1) → {blockHeight}
//   admin_expireBlockhashes           advance 151 blocks so every blockhash issued so far is expired → {blockHeight}
//   admin_failNext [{method, mode, count?, clientTag?, delayMs?}]
//                                     fault injection for the next `count` (default 1) calls of `method`.
//                                     mode: "error"                 JSON-RPC error -32603, method not executed
//                                           "http500" | "http429"   bare HTTP status, method not executed
//                                           "timeout"               no answer for delayMs (default 30000), not executed
//                                           "error-after-landing"   method executes (tx lands), then JSON-RPC error -32603
//                                           "timeout-after-landing" method executes, then no answer for delayMs
//                                           "result"                answers `result` (any JSON) instead, method not
//                                                                   executed: a node answering garbage or stale state
//                                     clientTag: only match requests with header `x-localnet-client: <tag>`, so
//                                     concurrent test runs sharing one localnet do not trip over each other.
//   admin_pruneHistory [slot?, clientTag?]
//                                     forget every block below `slot` (default: the current one), as a node with a
//                                     limited ledger does: getFirstAvailableBlock answers it, getBlock below it is error
//                                     -32001, and transactions that landed below it have no status or transaction. Only
//                                     for requests with that client tag (none: untagged ones), like faults.
//   admin_clearFaults                 drop all armed faults
//   admin_requestCounts [clientTag?]  → {method: count} of requests received (per tag when given)
//   admin_bootstrapInfo               → the same object as the --info-file
//
// The treasury and mint keys are derived from fixed, public dev seeds: LOCAL-ONLY DEV KEYS, worthless anywhere else.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { LiteSVM } from 'litesvm';
import * as litesvmInternal from 'litesvm/dist/internal.js';
import { Keypair, PublicKey, SystemProgram, Transaction, VersionedTransaction } from '@solana/web3.js';
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createInitializeMint2Instruction,
  createMintToCheckedInstruction,
  getAssociatedTokenAddressSync,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import bs58 from 'bs58';

// ---------- arguments ----------
function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const port = Number(argValue('--port') ?? process.env.LOCALNET_PORT ?? 8899);
const infoFile = argValue('--info-file');
const tickMs = Number(argValue('--tick-ms') ?? 400);

// ---------- constants ----------
const API_VERSION = '2.2.0';
const BLOCKHASH_VALIDITY = 150;
const LAMPORTS_PER_SIGNATURE = 5000n;
const DECIMALS = 8;
const TREASURY_SUPPLY = 1_000_000_000n * 10n ** BigInt(DECIMALS);
const TOKEN_ACCOUNT_LEN = 165;
const MINT_LEN = 82;

const TX_ERRORS = ['AccountInUse', 'AccountLoadedTwice', 'AccountNotFound', 'ProgramAccountNotFound', 'InsufficientFundsForFee',
  'InvalidAccountForFee', 'AlreadyProcessed', 'BlockhashNotFound', 'CallChainTooDeep', 'MissingSignatureForFee', 'InvalidAccountIndex',
  'SignatureFailure', 'InvalidProgramForExecution', 'SanitizeFailure', 'ClusterMaintenance', 'AccountBorrowOutstanding',
  'WouldExceedMaxBlockCostLimit', 'UnsupportedVersion', 'InvalidWritableAccount', 'WouldExceedMaxAccountCostLimit',
  'WouldExceedAccountDataBlockLimit', 'TooManyAccountLocks', 'AddressLookupTableNotFound', 'InvalidAddressLookupTableOwner',
  'InvalidAddressLookupTableData', 'InvalidAddressLookupTableIndex', 'InvalidRentPayingAccount', 'WouldExceedMaxVoteCostLimit',
  'WouldExceedAccountDataTotalLimit', 'MaxLoadedAccountsDataSizeExceeded', 'ResanitizationNeeded', 'InvalidLoadedAccountsDataSizeLimit',
  'UnbalancedTransaction', 'ProgramCacheHitMaxLimit', 'CommitCancelled'];
const IX_ERRORS = ['GenericError', 'InvalidArgument', 'InvalidInstructionData', 'InvalidAccountData', 'AccountDataTooSmall',
  'InsufficientFunds', 'IncorrectProgramId', 'MissingRequiredSignature', 'AccountAlreadyInitialized', 'UninitializedAccount',
  'UnbalancedInstruction', 'ModifiedProgramId', 'ExternalAccountLamportSpend', 'ExternalAccountDataModified', 'ReadonlyLamportChange',
  'ReadonlyDataModified', 'DuplicateAccountIndex', 'ExecutableModified', 'RentEpochModified', 'NotEnoughAccountKeys',
  'AccountDataSizeChanged', 'AccountNotExecutable', 'AccountBorrowFailed', 'AccountBorrowOutstanding', 'DuplicateAccountOutOfSync',
  'InvalidError', 'ExecutableDataModified', 'ExecutableLamportChange', 'ExecutableAccountNotRentExempt', 'UnsupportedProgramId',
  'CallDepth', 'MissingAccount', 'ReentrancyNotAllowed', 'MaxSeedLengthExceeded', 'InvalidSeeds', 'InvalidRealloc',
  'ComputationalBudgetExceeded', 'PrivilegeEscalation', 'ProgramEnvironmentSetupFailure', 'ProgramFailedToComplete',
  'ProgramFailedToCompile', 'Immutable', 'IncorrectAuthority', 'AccountNotRentExempt', 'InvalidAccountOwner', 'ArithmeticOverflow',
  'UnsupportedSysvar', 'IllegalOwner', 'MaxAccountsDataAllocationsExceeded', 'MaxAccountsExceeded', 'MaxInstructionTraceLengthExceeded',
  'BuiltinProgramsMustConsumeComputeUnits', 'BorshIoError'];
// Errors that keep a transaction out of any block (nothing stored, no fee).
const NOT_LANDED = new Set(['AccountNotFound', 'InsufficientFundsForFee', 'InvalidAccountForFee', 'AlreadyProcessed', 'BlockhashNotFound',
  'SignatureFailure', 'SanitizeFailure', 'MissingSignatureForFee', 'AccountLoadedTwice', 'TooManyAccountLocks', 'UnsupportedVersion']);

class RpcError extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

// ---------- chain state ----------
const svm = new LiteSVM().withBlockhashCheck(false); // blockhash validity is modelled below, per height
const vm = svm.inner; // raw-bytes API: send/simulate wire transactions as received
const runNonce = `${process.pid}-${Date.now()}`;
let blockHeight = 0;
let currentBlockhash = '';
const blockhashes = new Map(); // blockhash -> lastValidBlockHeight
const transactions = new Map(); // signature -> stored record
const requestCounts = new Map(); // tag|method -> count
let faults = [];
const prunedBelow = new Map(); // client tag ('' for none) -> first slot still served (admin_pruneHistory)
const firstAvailableSlot = (clientTag) => prunedBelow.get(clientTag ?? '') ?? 0;

const blockhashAt = (height) => bs58.encode(createHash('sha256').update(`localnet-blockhash/${runNonce}/${height}`).digest());

function newBlock() {
  blockHeight += 1;
  currentBlockhash = blockhashAt(blockHeight);
  blockhashes.set(currentBlockhash, blockHeight + BLOCKHASH_VALIDITY);
  if (blockhashes.size > 4 * BLOCKHASH_VALIDITY) {
    for (const [hash, lastValid] of blockhashes) {
      if (lastValid + BLOCKHASH_VALIDITY < blockHeight) blockhashes.delete(hash);
    }
  }
}
function advance(n) {
  for (let i = 0; i < n; i++) newBlock();
}
newBlock();

const context = () => ({ slot: blockHeight, apiVersion: API_VERSION });
const wrap = (value) => ({ context: context(), value });

// ---------- helpers ----------
function txErrorJson(err) {
  if (err === null || err === undefined) return null;
  if (typeof err === 'number') return TX_ERRORS[err] ?? `UnknownTransactionError${err}`;
  if (err instanceof litesvmInternal.TransactionErrorInstructionError) {
    return { InstructionError: [err.index, ixErrorJson(err.err())] };
  }
  if (err instanceof litesvmInternal.TransactionErrorDuplicateInstruction) return { DuplicateInstruction: err.index };
  if (err instanceof litesvmInternal.TransactionErrorInsufficientFundsForRent) return { InsufficientFundsForRent: { account_index: err.accountIndex } };
  if (err instanceof litesvmInternal.TransactionErrorProgramExecutionTemporarilyRestricted) {
    return { ProgramExecutionTemporarilyRestricted: { account_index: err.accountIndex } };
  }
  return String(err);
}
function ixErrorJson(err) {
  if (typeof err === 'number') return IX_ERRORS[err] ?? `UnknownInstructionError${err}`;
  if (err instanceof litesvmInternal.InstructionErrorCustom) return { Custom: err.code };
  if (err instanceof litesvmInternal.InstructionErrorBorshIo) return { BorshIoError: err.msg };
  return String(err);
}
// Human text like the validator's Display impl, used in -32002 messages.
function describeError(err) {
  if (err === 'BlockhashNotFound') return 'Blockhash not found';
  if (err === 'AlreadyProcessed') return 'This transaction has already been processed';
  if (err && err.InstructionError) {
    const [index, inner] = err.InstructionError;
    const text = inner && inner.Custom !== undefined ? `custom program error: 0x${inner.Custom.toString(16)}` : JSON.stringify(inner);
    return `Error processing Instruction ${index}: ${text}`;
  }
  return typeof err === 'string' ? err : JSON.stringify(err);
}

function decodeWire(encoded, encoding) {
  if (typeof encoded !== 'string') throw new RpcError(-32602, 'Invalid params: transaction must be a string');
  const bytes = encoding === 'base64' ? Buffer.from(encoded, 'base64') : Buffer.from(bs58.decode(encoded));
  let tx;
  try {
    tx = VersionedTransaction.deserialize(bytes);
  } catch (e) {
    throw new RpcError(-32602, `invalid transaction: failed to deserialize: ${e.message}`);
  }
  return { bytes, tx, signature: bs58.encode(tx.signatures[0]), keys: tx.message.staticAccountKeys, legacy: tx.version === 'legacy' };
}

function accountOf(key) {
  const account = vm.getAccount(key.toBytes());
  return account && account.lamports() > 0n ? account : null;
}
function readU64(data, offset) {
  return Buffer.from(data).readBigUInt64LE(offset);
}
function formatAmount(amount, decimals) {
  const digits = amount.toString().padStart(decimals + 1, '0');
  const whole = decimals ? digits.slice(0, -decimals) : digits;
  const fraction = decimals ? digits.slice(-decimals).replace(/0+$/, '') : '';
  return fraction ? `${whole}.${fraction}` : whole;
}
function uiTokenAmount(amount, decimals) {
  const text = formatAmount(amount, decimals);
  return { amount: amount.toString(), decimals, uiAmount: Number(text), uiAmountString: text };
}
function tokenAccount(key) {
  const account = accountOf(key);
  if (!account || new PublicKey(account.owner()).toBase58() !== TOKEN_PROGRAM_ID.toBase58() || account.data().length !== TOKEN_ACCOUNT_LEN) return null;
  const data = account.data();
  const mint = new PublicKey(data.subarray(0, 32));
  const mintAccount = accountOf(mint);
  const decimals = mintAccount ? mintAccount.data()[44] : 0;
  return { mint, owner: new PublicKey(data.subarray(32, 64)), amount: readU64(data, 64), decimals };
}
function snapshotBalances(keys) {
  const lamports = keys.map((k) => Number(accountOf(k)?.lamports() ?? 0n));
  const tokens = [];
  keys.forEach((k, accountIndex) => {
    const t = tokenAccount(k);
    if (t) {
      tokens.push({ accountIndex, mint: t.mint.toBase58(), owner: t.owner.toBase58(), programId: TOKEN_PROGRAM_ID.toBase58(), uiTokenAmount: uiTokenAmount(t.amount, t.decimals) });
    }
  });
  return { lamports, tokens };
}

function preflightError(err, logs = [], unitsConsumed = 0) {
  return new RpcError(-32002, `Transaction simulation failed: ${describeError(err)}`, {
    accounts: null, err, innerInstructions: null, loadedAccountsDataSize: 0, logs, replacementBlockhash: null, returnData: null, unitsConsumed,
  });
}

function checkAge(decoded) {
  if (transactions.has(decoded.signature)) return 'AlreadyProcessed';
  const lastValid = blockhashes.get(decoded.tx.message.recentBlockhash);
  if (lastValid === undefined || lastValid < blockHeight) return 'BlockhashNotFound';
  return null;
}

function simulate(decoded) {
  const result = decoded.legacy ? vm.simulateLegacyTransaction(decoded.bytes) : vm.simulateVersionedTransaction(decoded.bytes);
  if (result instanceof litesvmInternal.FailedTransactionMetadata) {
    const meta = result.meta();
    return { err: txErrorJson(result.err()), logs: meta.logs(), unitsConsumed: Number(meta.computeUnitsConsumed()) };
  }
  const meta = result.meta();
  return { err: null, logs: meta.logs(), unitsConsumed: Number(meta.computeUnitsConsumed()) };
}

function execute(decoded) {
  const pre = snapshotBalances(decoded.keys);
  const result = decoded.legacy ? vm.sendLegacyTransaction(decoded.bytes) : vm.sendVersionedTransaction(decoded.bytes);
  const failed = result instanceof litesvmInternal.FailedTransactionMetadata;
  const err = failed ? txErrorJson(result.err()) : null;
  if (failed && typeof err === 'string' && NOT_LANDED.has(err)) return { landed: false, err };
  const meta = failed ? result.meta() : result;
  newBlock();
  const post = snapshotBalances(decoded.keys);
  transactions.set(decoded.signature, {
    slot: blockHeight,
    blockTime: Math.floor(Date.now() / 1000),
    wire: decoded.bytes,
    tx: decoded.tx,
    err,
    fee: Number(LAMPORTS_PER_SIGNATURE) * decoded.tx.signatures.length,
    logs: meta.logs(),
    unitsConsumed: Number(meta.computeUnitsConsumed()),
    pre,
    post,
  });
  return { landed: true, err };
}

function sendTransaction(encoded, config = {}) {
  const decoded = decodeWire(encoded, config.encoding ?? 'base58');
  const ageError = checkAge(decoded);
  if (!config.skipPreflight) {
    if (ageError) throw preflightError(ageError);
    const sim = simulate(decoded);
    if (sim.err === 'SignatureFailure') throw new RpcError(-32003, 'Transaction signature verification failure');
    if (sim.err) throw preflightError(sim.err, sim.logs, sim.unitsConsumed);
  } else if (ageError) {
    return decoded.signature; // accepted by RPC, never lands (dropped by the leader)
  }
  execute(decoded);
  return decoded.signature;
}

function simulateTransaction(encoded, config = {}) {
  const decoded = decodeWire(encoded, config.encoding ?? 'base58');
  const ageError = config.replaceRecentBlockhash ? null : checkAge(decoded);
  if (ageError) {
    return wrap({ err: ageError, logs: [], accounts: null, unitsConsumed: 0, returnData: null, innerInstructions: null, replacementBlockhash: null });
  }
  const sim = simulate(decoded);
  return wrap({ err: sim.err, logs: sim.logs, accounts: null, unitsConsumed: sim.unitsConsumed, returnData: null, innerInstructions: null, replacementBlockhash: null });
}

// A transaction in a block the node has pruned is unknown to it, as on a node with a limited ledger.
const servedRecord = (signature, clientTag) => {
  const record = transactions.get(signature);
  return record && record.slot >= firstAvailableSlot(clientTag) ? record : undefined;
};

function signatureStatus(signature, clientTag) {
  const record = servedRecord(signature, clientTag);
  if (!record) return null;
  return { slot: record.slot, confirmations: null, err: record.err, status: record.err ? { Err: record.err } : { Ok: null }, confirmationStatus: 'finalized' };
}

function getTransaction(signature, config = {}, clientTag = null) {
  const record = servedRecord(signature, clientTag);
  if (!record) return null;
  const message = record.tx.message;
  const encoding = config.encoding ?? 'json';
  const transaction = encoding === 'base64'
    ? [Buffer.from(record.wire).toString('base64'), 'base64']
    : {
      signatures: record.tx.signatures.map((s) => bs58.encode(s)),
      message: {
        header: message.header,
        accountKeys: message.staticAccountKeys.map((k) => k.toBase58()),
        recentBlockhash: message.recentBlockhash,
        instructions: message.compiledInstructions.map((ix) => ({
          programIdIndex: ix.programIdIndex, accounts: [...ix.accountKeyIndexes], data: bs58.encode(ix.data), stackHeight: null,
        })),
      },
    };
  return {
    slot: record.slot,
    blockTime: record.blockTime,
    version: record.tx.version === 'legacy' ? 'legacy' : record.tx.version,
    transaction,
    meta: {
      err: record.err,
      status: record.err ? { Err: record.err } : { Ok: null },
      fee: record.fee,
      preBalances: record.pre.lamports,
      postBalances: record.post.lamports,
      innerInstructions: [],
      logMessages: record.logs,
      preTokenBalances: record.pre.tokens,
      postTokenBalances: record.post.tokens,
      rewards: [],
      loadedAddresses: { writable: [], readonly: [] },
      computeUnitsConsumed: record.unitsConsumed,
    },
  };
}

// Like a validator's memo summary: "[len] text" per Memo-program instruction, joined by "; ", or null.
const MEMO_PROGRAM_IDS = new Set(['MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr', 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo']);
function memoSummary(tx) {
  const message = tx.message;
  const keys = message.staticAccountKeys.map((k) => k.toBase58());
  const memos = message.compiledInstructions
    .filter((ix) => MEMO_PROGRAM_IDS.has(keys[ix.programIdIndex]))
    .map((ix) => `[${ix.data.length}] ${Buffer.from(ix.data).toString('utf8')}`);
  return memos.length === 0 ? null : memos.join('; ');
}

// Newest first, like a validator: `before` and `until` are exclusive bounds, `limit` at most 1000.
function getSignaturesForAddress(address, config = {}, clientTag = null) {
  const wanted = key(address).toBase58();
  const limit = Math.min(Number(config.limit ?? 1000), 1000);
  if (!(limit >= 1)) throw new RpcError(-32602, 'Invalid params: limit');
  const all = [...transactions.entries()].reverse();
  let start = 0;
  if (config.before) {
    const at = all.findIndex(([sig]) => sig === config.before);
    start = at < 0 ? all.length : at + 1;
  }
  const result = [];
  for (let i = start; i < all.length && result.length < limit; i++) {
    const [signature, record] = all[i];
    if (config.until && signature === config.until) break;
    if (record.slot < firstAvailableSlot(clientTag)) continue;
    if (!record.tx.message.staticAccountKeys.some((k) => k.toBase58() === wanted)) continue;
    result.push({ signature, slot: record.slot, err: record.err, memo: memoSummary(record.tx), blockTime: record.blockTime, confirmationStatus: 'finalized' });
  }
  return result;
}

// Slot = block height here (no slot is skipped); a pruned or future block is the error a real node gives.
function getBlock(slot, config, clientTag) {
  const first = firstAvailableSlot(clientTag);
  if (!Number.isSafeInteger(slot) || slot < 0) throw new RpcError(-32602, 'Invalid params: slot');
  if (config.commitment === 'processed') throw new RpcError(-32602, 'Method does not support commitment below `confirmed`');
  if ((config.transactionDetails ?? 'full') !== 'none') throw new RpcError(-32602, 'Invalid params: the localnet serves transactionDetails "none" only');
  if (slot < first) throw new RpcError(-32001, `Block ${slot} cleaned up, does not exist on node. First available block: ${first}`);
  if (slot > blockHeight) throw new RpcError(-32004, `Block not available for slot ${slot}`);
  const parent = Math.max(slot - 1, 0);
  return { blockHeight: slot, blockTime: Math.floor(Date.now() / 1000), blockhash: blockhashAt(slot), parentSlot: parent, previousBlockhash: blockhashAt(parent) };
}

function key(param) {
  try {
    return new PublicKey(param);
  } catch {
    throw new RpcError(-32602, `Invalid param: Invalid`);
  }
}

function airdrop(address, lamports) {
  const target = key(address);
  const result = vm.airdrop(target.toBytes(), BigInt(lamports));
  if (!result || result instanceof litesvmInternal.FailedTransactionMetadata) throw new RpcError(-32603, 'Internal error: airdrop failed');
  newBlock();
  const signature = bs58.encode(result.signature());
  const balances = snapshotBalances([target]);
  transactions.set(signature, {
    slot: blockHeight, blockTime: Math.floor(Date.now() / 1000), wire: new Uint8Array(), err: null, fee: 5000,
    logs: result.logs(), unitsConsumed: Number(result.computeUnitsConsumed()), pre: balances, post: balances,
    tx: { signatures: [result.signature()], version: 'legacy', message: { header: {}, staticAccountKeys: [target], recentBlockhash: currentBlockhash, compiledInstructions: [] } },
  });
  return signature;
}

// ---------- bootstrap ----------
const devKey = (label) => Keypair.fromSeed(createHash('sha256').update(`depin-billing/localnet/${label}/LOCAL-DEV-ONLY`).digest());
const treasury = devKey('treasury');
const mintKeypair = devKey('mint');
const treasuryTokenAccount = getAssociatedTokenAddressSync(mintKeypair.publicKey, treasury.publicKey);
let bootstrapInfo;

function bootstrap(rpcUrl) {
  const funded = vm.airdrop(treasury.publicKey.toBytes(), 10_000n * 1_000_000_000n); // 10k SOL for fees and rent
  if (!funded || funded instanceof litesvmInternal.FailedTransactionMetadata) throw new Error('bootstrap: funding the treasury failed');
  const tx = new Transaction({ feePayer: treasury.publicKey, recentBlockhash: currentBlockhash }).add(
    SystemProgram.createAccount({
      fromPubkey: treasury.publicKey,
      newAccountPubkey: mintKeypair.publicKey,
      lamports: Number(vm.minimumBalanceForRentExemption(BigInt(MINT_LEN))),
      space: MINT_LEN,
      programId: TOKEN_PROGRAM_ID,
    }),
    createInitializeMint2Instruction(mintKeypair.publicKey, DECIMALS, treasury.publicKey, null),
    createAssociatedTokenAccountIdempotentInstruction(treasury.publicKey, treasuryTokenAccount, treasury.publicKey, mintKeypair.publicKey),
    createMintToCheckedInstruction(mintKeypair.publicKey, treasuryTokenAccount, treasury.publicKey, TREASURY_SUPPLY, DECIMALS),
  );
  tx.sign(treasury, mintKeypair);
  sendTransaction(tx.serialize().toString('base64'), { encoding: 'base64' });
  bootstrapInfo = {
    rpcUrl,
    mint: mintKeypair.publicKey.toBase58(),
    decimals: DECIMALS,
    treasuryOwner: treasury.publicKey.toBase58(),
    treasuryTokenAccount: treasuryTokenAccount.toBase58(),
    treasuryKeypair: Array.from(treasury.secretKey),
  };
  if (infoFile) writeFileSync(infoFile, JSON.stringify(bootstrapInfo, null, 2) + '\n');
}

// ---------- dispatch ----------
const commitmentless = (params) => params ?? [];
const methods = {
  getHealth: () => 'ok',
  getVersion: () => ({ 'solana-core': `${API_VERSION}-localnet`, 'feature-set': 0 }),
  getGenesisHash: () => bs58.encode(createHash('sha256').update('localnet-genesis').digest()),
  getSlot: () => blockHeight,
  getBlockHeight: () => blockHeight,
  getFirstAvailableBlock: (_, clientTag) => firstAvailableSlot(clientTag),
  getBlock: ([slot, config = {}], clientTag) => getBlock(Number(slot), config, clientTag),
  getEpochInfo: () => ({ absoluteSlot: blockHeight, blockHeight, epoch: 0, slotIndex: blockHeight, slotsInEpoch: 432000, transactionCount: transactions.size }),
  getLatestBlockhash: () => wrap({ blockhash: currentBlockhash, lastValidBlockHeight: blockhashes.get(currentBlockhash) }),
  isBlockhashValid: ([hash]) => wrap((blockhashes.get(hash) ?? -1) >= blockHeight),
  getMinimumBalanceForRentExemption: ([len]) => Number(vm.minimumBalanceForRentExemption(BigInt(len ?? 0))),
  sendTransaction: ([encoded, config]) => sendTransaction(encoded, config),
  simulateTransaction: ([encoded, config]) => simulateTransaction(encoded, config),
  getSignatureStatuses: ([signatures], clientTag) => wrap((signatures ?? []).map((s) => signatureStatus(s, clientTag))),
  getTransaction: ([signature, config], clientTag) => getTransaction(signature, config, clientTag),
  getSignaturesForAddress: ([address, config], clientTag) => getSignaturesForAddress(address, config, clientTag),
  getBalance: ([address]) => wrap(Number(accountOf(key(address))?.lamports() ?? 0n)),
  getAccountInfo: ([address, config = {}]) => {
    if (config.minContextSlot != null && Number(config.minContextSlot) > blockHeight) {
      throw new RpcError(-32016, 'Minimum context slot has not been reached', { contextSlot: blockHeight });
    }
    const account = accountOf(key(address));
    if (!account) return wrap(null);
    const data = Buffer.from(account.data());
    return wrap({
      lamports: Number(account.lamports()),
      owner: new PublicKey(account.owner()).toBase58(),
      data: (config.encoding ?? 'base64') === 'base58' ? bs58.encode(data) : [data.toString('base64'), 'base64'],
      executable: account.executable(),
      rentEpoch: account.rentEpoch(), // u64 (often u64::MAX): written as an exact integer by toJson
      space: data.length,
    });
  },
  getTokenAccountBalance: ([address]) => {
    const t = tokenAccount(key(address));
    if (!t) throw new RpcError(-32602, 'Invalid param: not a Token account');
    return wrap(uiTokenAmount(t.amount, t.decimals));
  },
  getTokenSupply: ([address]) => {
    const account = accountOf(key(address));
    if (!account || account.data().length !== MINT_LEN) throw new RpcError(-32602, 'Invalid param: not a Token mint');
    const data = account.data();
    return wrap(uiTokenAmount(readU64(data, 36), data[44]));
  },
  requestAirdrop: ([address, lamports]) => airdrop(address, lamports),

  admin_advanceBlockHeight: (params) => {
    const n = Number(Array.isArray(params) ? params[0] ?? 1 : params?.n ?? 1);
    advance(n);
    return { blockHeight };
  },
  admin_expireBlockhashes: () => {
    advance(BLOCKHASH_VALIDITY + 1);
    return { blockHeight };
  },
  admin_failNext: (params) => {
    const spec = Array.isArray(params) ? params[0] : params;
    if (!spec?.method || !spec?.mode) throw new RpcError(-32602, 'Invalid params: expected {method, mode}');
    faults.push({ method: spec.method, mode: spec.mode, remaining: Number(spec.count ?? 1), clientTag: spec.clientTag ?? null, delayMs: Number(spec.delayMs ?? 30000), result: spec.result ?? null });
    return { armed: faults.length };
  },
  admin_pruneHistory: (params) => {
    const [slot, clientTag] = Array.isArray(params) ? params : [];
    const first = Math.max(firstAvailableSlot(clientTag), Math.min(Number(slot ?? blockHeight), blockHeight));
    prunedBelow.set(clientTag ?? '', first);
    return { firstAvailableSlot: first };
  },
  admin_clearFaults: () => {
    faults = [];
    return { armed: 0 };
  },
  admin_requestCounts: (params) => {
    const tag = Array.isArray(params) ? params[0] ?? null : params?.clientTag ?? null;
    const result = {};
    for (const [k, count] of requestCounts) {
      const [t, method] = k.split('|');
      if (tag === null || t === tag) result[method] = (result[method] ?? 0) + count;
    }
    return result;
  },
  admin_bootstrapInfo: () => bootstrapInfo,
};

function takeFault(method, clientTag) {
  const fault = faults.find((f) => f.method === method && (f.clientTag === null || f.clientTag === clientTag));
  if (!fault) return null;
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
  return fault;
}

// JSON.stringify cannot write BigInt; emit them as exact integers (u64 values exceed 2^53).
function toJson(value) {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `__u64__${v}` : v)).replace(/"__u64__(\d+)"/g, '$1');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Returns {status, body} or null for "no response" (the socket is destroyed).
async function handleOne(request, clientTag) {
  const id = request?.id ?? null;
  const method = request?.method;
  const respond = (payload) => ({ status: 200, body: { jsonrpc: '2.0', id, ...payload } });
  if (request?.jsonrpc !== '2.0' || typeof method !== 'string') {
    return respond({ error: { code: -32600, message: 'Invalid request' } });
  }
  const countKey = `${clientTag ?? ''}|${method}`;
  requestCounts.set(countKey, (requestCounts.get(countKey) ?? 0) + 1);
  const handler = methods[method];
  if (!handler) return respond({ error: { code: -32601, message: 'Method not found' } });

  const fault = takeFault(method, clientTag);
  if (fault?.mode === 'http500') return { status: 500, body: 'Internal Server Error (injected)' };
  if (fault?.mode === 'http429') return { status: 429, body: 'Too Many Requests (injected)' };
  if (fault?.mode === 'error') return respond({ error: { code: -32603, message: 'Internal error (injected)' } });
  if (fault?.mode === 'timeout') {
    await sleep(fault.delayMs);
    return null;
  }
  if (fault?.mode === 'result') return respond({ result: fault.result });

  let result;
  try {
    result = handler(commitmentless(request.params), clientTag);
  } catch (e) {
    if (e instanceof RpcError) {
      return respond({ error: { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) } });
    }
    return respond({ error: { code: -32603, message: `Internal error: ${e.message}` } });
  }
  if (fault?.mode === 'error-after-landing') return respond({ error: { code: -32603, message: 'Internal error (injected after execution)' } });
  if (fault?.mode === 'timeout-after-landing') {
    await sleep(fault.delayMs);
    return null;
  }
  return respond({ result: result === undefined ? null : result });
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(req.method === 'GET' && req.url === '/health' ? 200 : 405, { 'content-type': 'text/plain' });
    res.end(req.method === 'GET' && req.url === '/health' ? 'ok' : 'POST JSON-RPC only');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const clientTag = req.headers['x-localnet-client'] ?? null;
    let parsed;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
      return;
    }
    const batch = Array.isArray(parsed);
    const outcomes = await Promise.all((batch ? parsed : [parsed]).map((r) => handleOne(r, clientTag)));
    if (outcomes.some((o) => o === null)) {
      req.socket.destroy();
      return;
    }
    const failedStatus = outcomes.find((o) => o.status !== 200);
    if (failedStatus) {
      res.writeHead(failedStatus.status, { 'content-type': 'text/plain' });
      res.end(failedStatus.body);
      return;
    }
    const body = batch ? outcomes.map((o) => o.body) : outcomes[0].body;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(toJson(body));
  });
});

const ticker = setInterval(() => newBlock(), tickMs);

function shutdown() {
  clearInterval(ticker);
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

server.listen(port, '127.0.0.1', () => {
  const actualPort = server.address().port;
  const rpcUrl = `http://127.0.0.1:${actualPort}`;
  bootstrap(rpcUrl);
  console.log(`localnet listening on ${rpcUrl}`);
});
