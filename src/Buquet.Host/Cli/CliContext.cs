using System.CommandLine;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Buquet.Host.Output;
using Microsoft.Extensions.Configuration;

namespace Buquet.Host.Cli;

/// <summary>One command invocation: parse result, output, and the lazily built configuration, options, store and client.</summary>
internal sealed class CliContext(ParseResult parse, GlobalOptions globals, CliEnvironment environment, CliOutput output, StoreAccess access = StoreAccess.ReadWrite) : IAsyncDisposable
{
    private IConfigurationRoot? _configuration;
    private BuquetOptions? _options;
    private IObjectStore? _store;
    private BuquetClient? _client;

    public ParseResult Parse { get; } = parse;

    public CliEnvironment Environment { get; } = environment;

    public CliOutput Output { get; } = output;

    public bool Json => Output.Json;

    public TimeProvider Time => Environment.Time;

    /// <summary>The layered configuration (defaults &lt; --config files or BUQUET_CONFIG &lt; environment &lt; flags).</summary>
    public IConfigurationRoot Configuration => _configuration ??= HostBootstrap.BuildConfiguration(
        Parse.GetValue(globals.Config), Environment.Variables, globals.Overrides(Parse));

    /// <summary>The bound and validated options (throws <see cref="BuquetConfigurationException"/> with every error).</summary>
    public BuquetOptions Options => _options ??= BuquetOptions.Load(Configuration);

    /// <summary>The configured store, created once.</summary>
    public async Task<IObjectStore> GetStoreAsync(CancellationToken ct) =>
        _store ??= Environment.OpenStore is { } open
            ? await open(Options, ct).ConfigureAwait(false)
            : await ObjectStoreFactory.CreateAsync(Options.Store, access, Time, ct).ConfigureAwait(false);

    /// <summary>A client over the configured store with the queue settings.</summary>
    public async Task<BuquetClient> GetClientAsync(CancellationToken ct) =>
        _client ??= new BuquetClient(await GetStoreAsync(ct).ConfigureAwait(false), HostBootstrap.ClientOptions(Options), Time);

    public ValueTask DisposeAsync()
    {
        if (_store is IDisposable disposable && Environment.OpenStore is null)
        {
            disposable.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
