// What nearly every reliability test uses: the platform host and event factory, the shared fixtures, JSON bodies, test output.
global using System.Text.Json.Nodes;
global using Billing.Reliability.Tests.Infrastructure;
global using Xunit.Abstractions;
