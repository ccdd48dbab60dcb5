using System.Collections;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;

namespace Buquet.Host.Cli;

/// <summary>What a CLI run sees of the outside world; the process defaults, replaceable by in-process tests.</summary>
internal sealed record CliEnvironment
{
    /// <summary>Standard output.</summary>
    public TextWriter Out { get; init; } = Console.Out;

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; init; } = Console.Error;

    /// <summary>Standard input (for <c>--input @-</c>).</summary>
    public TextReader In { get; init; } = Console.In;

    /// <summary>Whether stdout is redirected (no colour then).</summary>
    public bool IsOutputRedirected { get; init; } = Console.IsOutputRedirected;

    /// <summary>Environment variables (<c>BUQUET_CONFIG</c>, <c>S3_*</c>, <c>BUQUET_*</c>, <c>NO_COLOR</c>).</summary>
    public IDictionary Variables { get; init; } = System.Environment.GetEnvironmentVariables();

    /// <summary>Local time source: polling intervals, timeouts, the store clock's monotonic base.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Replaces <see cref="ObjectStoreFactory"/> (tests: a deliberately broken store). Null uses the factory.</summary>
    public Func<BuquetOptions, CancellationToken, Task<IObjectStore>>? OpenStore { get; init; }

    /// <summary>An environment variable, or null.</summary>
    public string? Variable(string name) => Variables.Contains(name) ? Variables[name] as string : null;
}
