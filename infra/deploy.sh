#!/usr/bin/env bash
# Package (and optionally deploy) the billing function app. See infra/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP_PROJECT="$ROOT/functions/Billing.Functions"
TEMPLATE="$ROOT/infra/main.bicep"
EXE_NAME="Billing.Functions"

usage() {
  cat <<'EOF'
Usage: infra/deploy.sh [options]

Builds the deployment package of the billing function app (an Azure Functions custom handler):
  1. dotnet publish functions/Billing.Functions -c Release -r linux-x64 --self-contained
  2. checks the layout the Functions host needs (host.json, one folder per function with
     function.json, plans/*.json, the executable Billing.Functions)
  3. zips it on Linux keeping the executable bit of Billing.Functions, and verifies the zip.
With --deploy it then provisions infra/main.bicep into a resource group and zip-deploys the package
to the Flex Consumption app (az functionapp deployment source config-zip). Without --deploy nothing
touches Azure; the az commands are only printed.

Package options:
  -o, --out DIR              output folder (default: artifacts/infra-deploy under the repo root);
                             DIR/app is the published app, DIR/billing-functions.zip the package
  -c, --configuration NAME   build configuration (default: Release)
      --artifacts-path DIR   passed to dotnet publish (keeps bin/obj out of the source tree)

Deploy options (only with --deploy; requires the Azure CLI and `az login`):
      --deploy               provision + deploy (otherwise: package only)
      --what-if              with --deploy: preview the infrastructure changes, deploy nothing
  -g, --resource-group NAME  resource group (created if missing)            [required]
  -l, --location REGION      region with Flex Consumption                    [required]
      --name-prefix PREFIX   namePrefix parameter (default: billing)
      --solana-rpc-url URL   solanaRpcUrl parameter                          [required]
      --solana-mint ADDRESS  solanaMint parameter                            [required]
      --pyth-price-account ADDRESS
                             pythPriceAccount parameter: the USD price source  [required]
                             (without one the app refuses to start; a test deployment may pass
                             -p pythPriceAccount= -p 'additionalAppSettings={"Billing__Burns__FixedPrice":"2.50"}')
      --min-token-price-usd PRICE, --max-token-price-usd PRICE
                             minTokenPriceUsd / maxTokenPriceUsd: the token price band in USD outside
                             which burns wait (e.g. 0.50 and 20); recommended with a Pyth account
      --invoice-issuer-name NAME
                             invoiceIssuerName parameter: printed on invoices  [required]
  -p, --param NAME=VALUE     any other main.bicep parameter (repeatable), e.g.
                             -p eventHubPartitionCount=16 -p keyVaultPurgeProtection=false
Secrets are never taken as arguments. If these environment variables are set, their values are
written to Key Vault through a temporary parameters file (mode 600, deleted on exit):
  BILLING_STRIPE_SECRET_KEY, BILLING_STRIPE_WEBHOOK_SECRET, BILLING_SOLANA_TREASURY_KEYPAIR,
  BILLING_LEDGER_ANCHOR_KEYPAIR (read by the app only with -p dedicatedAnchorKeypair=true)

  -h, --help                 this help

Examples:
  infra/deploy.sh                                   # package only, into artifacts/infra-deploy
  infra/deploy.sh -o /tmp/billing-pkg               # package only, elsewhere
  az login
  infra/deploy.sh --deploy -g rg-billing -l westeurope \
    --solana-rpc-url https://api.devnet.solana.com --solana-mint <MINT_ADDRESS> \
    --pyth-price-account <PYTH_PRICE_ACCOUNT> --invoice-issuer-name "Example Networks Ltd"
EOF
}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

OUT="$ROOT/artifacts/infra-deploy"
CONFIGURATION="Release"
ARTIFACTS_PATH=""
DEPLOY=false
WHAT_IF=false
RESOURCE_GROUP=""
LOCATION=""
NAME_PREFIX="billing"
SOLANA_RPC_URL=""
SOLANA_MINT=""
PYTH_PRICE_ACCOUNT=""
MIN_TOKEN_PRICE_USD=""
MAX_TOKEN_PRICE_USD=""
INVOICE_ISSUER_NAME=""
EXTRA_PARAMS=()

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value (see --help)"; }

while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    -o|--out) need_value "$@"; OUT="$2"; shift 2 ;;
    -c|--configuration) need_value "$@"; CONFIGURATION="$2"; shift 2 ;;
    --artifacts-path) need_value "$@"; ARTIFACTS_PATH="$2"; shift 2 ;;
    --deploy) DEPLOY=true; shift ;;
    --what-if) WHAT_IF=true; shift ;;
    -g|--resource-group) need_value "$@"; RESOURCE_GROUP="$2"; shift 2 ;;
    -l|--location) need_value "$@"; LOCATION="$2"; shift 2 ;;
    --name-prefix) need_value "$@"; NAME_PREFIX="$2"; shift 2 ;;
    --solana-rpc-url) need_value "$@"; SOLANA_RPC_URL="$2"; shift 2 ;;
    --solana-mint) need_value "$@"; SOLANA_MINT="$2"; shift 2 ;;
    --pyth-price-account) need_value "$@"; PYTH_PRICE_ACCOUNT="$2"; shift 2 ;;
    --min-token-price-usd) need_value "$@"; MIN_TOKEN_PRICE_USD="$2"; shift 2 ;;
    --max-token-price-usd) need_value "$@"; MAX_TOKEN_PRICE_USD="$2"; shift 2 ;;
    --invoice-issuer-name) need_value "$@"; INVOICE_ISSUER_NAME="$2"; shift 2 ;;
    -p|--param)
      need_value "$@"
      case "$2" in *=*) ;; *) die "--param expects NAME=VALUE, got '$2'" ;; esac
      EXTRA_PARAMS+=("$2"); shift 2 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

if $WHAT_IF && ! $DEPLOY; then die "--what-if only makes sense with --deploy"; fi
# True when NAME was given as -p NAME=VALUE (an empty VALUE counts: it was chosen).
has_param() {
  local p
  for p in "${EXTRA_PARAMS[@]}"; do [[ "$p" == "$1="* ]] && return 0; done
  return 1
}

if $DEPLOY; then
  command -v az >/dev/null 2>&1 || die "--deploy needs the Azure CLI (az)"
  # Every required main.bicep parameter, checked before anything is published or touches Azure.
  missing=()
  [ -n "$RESOURCE_GROUP" ] || missing+=("--resource-group")
  [ -n "$LOCATION" ] || missing+=("--location")
  [ -n "$SOLANA_RPC_URL" ] || has_param solanaRpcUrl || missing+=("--solana-rpc-url")
  [ -n "$SOLANA_MINT" ] || has_param solanaMint || missing+=("--solana-mint")
  [ -n "$PYTH_PRICE_ACCOUNT" ] || has_param pythPriceAccount || missing+=("--pyth-price-account (the app refuses to start without a price source)")
  [ -n "$INVOICE_ISSUER_NAME" ] || has_param invoiceIssuerName || missing+=("--invoice-issuer-name (printed on every invoice)")
  [ ${#missing[@]} -eq 0 ] || die "--deploy needs $(printf '%s, ' "${missing[@]}" | sed 's/, $//') (see --help)"
  band_missing=false
  if [ -z "$MIN_TOKEN_PRICE_USD" ] && ! has_param minTokenPriceUsd; then band_missing=true; fi
  if [ -z "$MAX_TOKEN_PRICE_USD" ] && ! has_param maxTokenPriceUsd; then band_missing=true; fi
  if [ -n "$PYTH_PRICE_ACCOUNT" ] && $band_missing; then
    log "warning: a Pyth price account without --min-token-price-usd and --max-token-price-usd: burns are signed at any price the feed vouches for"
  fi
fi
command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is required"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
APP_DIR="$OUT/app"
ZIP="$OUT/billing-functions.zip"

# --------------------------------------------------------------------------------------------------
# 1. Publish (self-contained linux-x64: the Flex Consumption image has no .NET runtime for a custom handler)
# --------------------------------------------------------------------------------------------------
log "publishing $EXE_NAME ($CONFIGURATION, linux-x64, self-contained) to $APP_DIR"
rm -rf "$APP_DIR" "$ZIP"
publish_args=(publish "$APP_PROJECT" -c "$CONFIGURATION" -r linux-x64 --self-contained
  -p:PublishSingleFile=false -o "$APP_DIR" --nologo -v quiet)
if [ -n "$ARTIFACTS_PATH" ]; then publish_args+=(--artifacts-path "$ARTIFACTS_PATH"); fi
dotnet "${publish_args[@]}" >&2

# --------------------------------------------------------------------------------------------------
# 2. Check the layout the Functions host reads
# --------------------------------------------------------------------------------------------------
log "checking the published layout"
problems=0
problem() { printf 'error: %s\n' "$*" >&2; problems=$((problems + 1)); }

[ -f "$APP_DIR/host.json" ] || problem "host.json is missing from the publish output"
[ -f "$APP_DIR/$EXE_NAME" ] || problem "the executable $EXE_NAME is missing from the publish output"
[ ! -f "$APP_DIR/$EXE_NAME" ] || [ -x "$APP_DIR/$EXE_NAME" ] || chmod +x "$APP_DIR/$EXE_NAME"
[ ! -e "$APP_DIR/local.settings.json" ] || problem "local.settings.json must not be deployed"

functions=()
while IFS= read -r fj; do
  functions+=("$(basename "$(dirname "$fj")")")
done < <(find "$APP_PROJECT" -mindepth 2 -maxdepth 2 -name function.json -not -path '*/bin/*' -not -path '*/obj/*' | sort)
[ ${#functions[@]} -gt 0 ] || problem "no */function.json found under $APP_PROJECT"
for fn in "${functions[@]}"; do
  [ -f "$APP_DIR/$fn/function.json" ] || problem "function folder $fn/function.json is missing from the publish output"
done

plans=()
while IFS= read -r pj; do plans+=("$(basename "$pj")"); done < <(find "$APP_PROJECT/plans" -maxdepth 1 -name '*.json' | sort)
[ ${#plans[@]} -gt 0 ] || problem "no plans/*.json found under $APP_PROJECT"
for plan in "${plans[@]}"; do
  [ -f "$APP_DIR/plans/$plan" ] || problem "plans/$plan is missing from the publish output"
done
# Declared event types: a meters/ folder missing from the output would start the app with none declared.
meters=()
while IFS= read -r mj; do meters+=("$(basename "$mj")"); done < <(find "$APP_PROJECT/meters" -maxdepth 1 -name '*.json' 2>/dev/null | sort)
for meter in ${meters[@]+"${meters[@]}"}; do
  [ -f "$APP_DIR/meters/$meter" ] || problem "meters/$meter is missing from the publish output"
done
[ "$problems" -eq 0 ] || die "$problems problem(s) in the publish output"
log "layout ok: host.json, $EXE_NAME, ${#functions[@]} functions (${functions[*]}), ${#plans[@]} price plans, ${#meters[@]} declared event types"

# --------------------------------------------------------------------------------------------------
# 3. Zip, keeping Unix permissions (the host must be able to exec Billing.Functions)
# --------------------------------------------------------------------------------------------------
if command -v zip >/dev/null 2>&1; then
  log "zipping with zip (stores Unix modes)"
  (cd "$APP_DIR" && zip -q -r -X "$ZIP" .)
elif command -v python3 >/dev/null 2>&1; then
  log "zipping with python3 zipfile (zip not installed)"
  python3 - "$APP_DIR" "$ZIP" <<'PY'
import os, stat, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            st = os.stat(path)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, src))
            info.create_system = 3  # Unix, so external_attr carries the mode
            info.external_attr = (stat.S_IFREG | stat.S_IMODE(st.st_mode)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as fh:
                zf.writestr(info, fh.read())
PY
else
  die "neither zip nor python3 is installed; one of them is needed to build a zip that keeps the exec bit"
fi

log "verifying the zip"
verify_zip() {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$ZIP" "$EXE_NAME" <<'PY'
import stat, sys, zipfile
zip_path, exe = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(zip_path) as zf:
    bad = zf.testzip()
    if bad:
        sys.exit(f"corrupt entry in zip: {bad}")
    names = zf.namelist()
    if exe not in names or "host.json" not in names:
        sys.exit(f"{exe} or host.json is not at the root of the zip")
    mode = zf.getinfo(exe).external_attr >> 16
    print(f"{stat.filemode(mode)}  {exe}  ({len(names)} entries)")
    if not mode & 0o111:
        sys.exit(f"{exe} is not executable inside the zip")
PY
  elif command -v zipinfo >/dev/null 2>&1; then
    local line
    line="$(zipinfo "$ZIP" "$EXE_NAME")" || die "$EXE_NAME is not at the root of the zip"
    printf '%s\n' "$line"
    case "$line" in -rwx*) ;; *) die "$EXE_NAME is not executable inside the zip" ;; esac
    zipinfo -1 "$ZIP" host.json >/dev/null || die "host.json is not at the root of the zip"
  else
    die "cannot verify the zip: neither python3 nor zipinfo is installed"
  fi
}
verify_zip >&2
log "package: $ZIP ($(du -h "$ZIP" | cut -f1))"

# --------------------------------------------------------------------------------------------------
# 4. Provision + deploy (only with --deploy)
# --------------------------------------------------------------------------------------------------
DEPLOYMENT_NAME="billing-$(date -u +%Y%m%d%H%M%S)"
params=(namePrefix="$NAME_PREFIX" location="$LOCATION")
if [ -n "$SOLANA_RPC_URL" ]; then params+=(solanaRpcUrl="$SOLANA_RPC_URL"); fi
if [ -n "$SOLANA_MINT" ]; then params+=(solanaMint="$SOLANA_MINT"); fi
if [ -n "$PYTH_PRICE_ACCOUNT" ]; then params+=(pythPriceAccount="$PYTH_PRICE_ACCOUNT"); fi
if [ -n "$MIN_TOKEN_PRICE_USD" ]; then params+=(minTokenPriceUsd="$MIN_TOKEN_PRICE_USD"); fi
if [ -n "$MAX_TOKEN_PRICE_USD" ]; then params+=(maxTokenPriceUsd="$MAX_TOKEN_PRICE_USD"); fi
if [ -n "$INVOICE_ISSUER_NAME" ]; then params+=(invoiceIssuerName="$INVOICE_ISSUER_NAME"); fi
params+=("${EXTRA_PARAMS[@]}") # after the options: az takes the last value of a parameter

if ! $DEPLOY; then
  log "package only (no --deploy). With --deploy this script would run:"
  cat >&2 <<EOF
  az group create --name <RESOURCE_GROUP> --location <REGION>
  az deployment group create --resource-group <RESOURCE_GROUP> --name $DEPLOYMENT_NAME \\
     --template-file infra/main.bicep --parameters namePrefix=$NAME_PREFIX location=<REGION> \\
     solanaRpcUrl=<URL> solanaMint=<MINT> pythPriceAccount=<ACCOUNT> invoiceIssuerName=<NAME> \\
     [secrets via a temporary parameters file]
  az functionapp deployment source config-zip --resource-group <RESOURCE_GROUP> \\
     --name <functionAppName output> --src $ZIP
EOF
  exit 0
fi

# Secrets go through a parameters file, never the command line (visible in the process list).
SECRET_FILE=""
cleanup() { if [ -n "$SECRET_FILE" ]; then rm -f "$SECRET_FILE"; fi; }
trap cleanup EXIT
if [ -n "${BILLING_STRIPE_SECRET_KEY:-}${BILLING_STRIPE_WEBHOOK_SECRET:-}${BILLING_SOLANA_TREASURY_KEYPAIR:-}${BILLING_LEDGER_ANCHOR_KEYPAIR:-}${BILLING_LEDGER_SEAL_KEY:-}" ]; then
  command -v python3 >/dev/null 2>&1 || die "python3 is needed to write the secret parameters file"
  SECRET_FILE="$(mktemp "${TMPDIR:-/tmp}/billing-secrets.XXXXXX.json")"
  chmod 600 "$SECRET_FILE"
  python3 - "$SECRET_FILE" <<'PY'
import json, os, sys
mapping = {
    "stripeSecretKey": "BILLING_STRIPE_SECRET_KEY",
    "stripeWebhookSecret": "BILLING_STRIPE_WEBHOOK_SECRET",
    "solanaTreasuryKeypair": "BILLING_SOLANA_TREASURY_KEYPAIR",
    "ledgerAnchorKeypair": "BILLING_LEDGER_ANCHOR_KEYPAIR",
    "ledgerSealKey": "BILLING_LEDGER_SEAL_KEY",
}
values = {p: {"value": os.environ[e]} for p, e in mapping.items() if os.environ.get(e)}
doc = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
       "contentVersion": "1.0.0.0", "parameters": values}
with open(sys.argv[1], "w") as fh:
    json.dump(doc, fh)
PY
  params+=("@$SECRET_FILE")
fi

# Let az use the Bicep CLI restored from NuGet (same version as the build check) when it is present.
NUGET_BICEP="$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/azure.bicep.commandline.linux-x64" -path '*/tools/bicep' -type f 2>/dev/null | sort | tail -1 || true)"
if [ -n "$NUGET_BICEP" ]; then
  chmod +x "$NUGET_BICEP"
  export PATH="$(dirname "$NUGET_BICEP"):$PATH"
  export AZURE_BICEP_USE_BINARY_FROM_PATH=true
fi

if $WHAT_IF; then
  # A preview changes nothing, not even the resource group; what-if needs the group to exist.
  [ "$(az group exists --name "$RESOURCE_GROUP")" = true ] \
    || die "resource group $RESOURCE_GROUP does not exist: --what-if previews into an existing group and creates nothing (run without --what-if, or az group create first)"
  log "az deployment group what-if"
  az deployment group what-if --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
    --template-file "$TEMPLATE" --parameters "${params[@]}"
  exit 0
fi

log "az group create $RESOURCE_GROUP ($LOCATION)"
az group create --name "$RESOURCE_GROUP" --location "$LOCATION" --output none

log "az deployment group create $DEPLOYMENT_NAME"
az deployment group create --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
  --template-file "$TEMPLATE" --parameters "${params[@]}" --output none

output() {
  az deployment group show --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
    --query "properties.outputs.$1.value" --output tsv
}
APP_NAME="$(output functionAppName)"
APP_HOST="$(output functionAppHostName)"
KEY_VAULT="$(output keyVaultName)"
[ -n "$APP_NAME" ] || die "the deployment did not return functionAppName"

# Flex Consumption: zip deploy ("one deploy") uploads the package to the deployment blob container.
log "az functionapp deployment source config-zip $APP_NAME"
az functionapp deployment source config-zip --resource-group "$RESOURCE_GROUP" --name "$APP_NAME" \
  --src "$ZIP" --output none

log "deployed: https://$APP_HOST/api/health  (Key Vault: $KEY_VAULT)"
# A Key Vault reference to a secret that does not exist reaches the app as its literal text, which start-up validation refuses.
not_passed=()
[ -n "${BILLING_STRIPE_WEBHOOK_SECRET:-}" ] || not_passed+=(stripe-webhook-secret)
[ -n "${BILLING_SOLANA_TREASURY_KEYPAIR:-}" ] || not_passed+=(solana-treasury-keypair)
[ -n "${BILLING_STRIPE_SECRET_KEY:-}" ] || not_passed+=("stripe-secret-key (unless -p stripeInvoiceSync=false)")
[ -n "${BILLING_LEDGER_SEAL_KEY:-}" ] || not_passed+=(ledger-seal-key)
[ -n "${BILLING_LEDGER_ANCHOR_KEYPAIR:-}" ] || not_passed+=("ledger-anchor-keypair (only with -p dedicatedAnchorKeypair=true)")
if [ ${#not_passed[@]} -gt 0 ]; then
  log "not passed in this run: ${not_passed[*]}. The app does not start until each exists in $KEY_VAULT; set them and restart (infra/README.md, Secrets)"
fi
