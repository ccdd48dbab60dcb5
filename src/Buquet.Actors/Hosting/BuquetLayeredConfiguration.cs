using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Hosting;

/// <summary>
/// The configuration <see cref="BuquetHostingExtensions.AddBuquet"/> was given (buquet's layers), kept so the worker's
/// actor system reads its <c>akka { … }</c> section from the same files as buquet's settings (INTERNAL API).
/// </summary>
internal sealed record BuquetLayeredConfiguration(IConfiguration Configuration);
