// Transitional: the payments, burns and ledger code still names the partner directory, telemetry and invoice handler
// where they lived before the application layer; these keep it compiling until its own move. The lead removes this
// file after the merge (each file then names its namespaces itself).
global using Billing.Application.Invoicing;
global using Billing.Application.Partners;
global using Billing.Application.Telemetry;
global using Billing.Functions.Http;
