using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Configuration;

/// <summary>A HOCON file or string as a Microsoft.Extensions.Configuration source.</summary>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    /// <summary>Path of the HOCON file; null when <see cref="Content"/> is used.</summary>
    public string? Path { get; init; }

    /// <summary>HOCON text; used when <see cref="Path"/> is null.</summary>
    public string? Content { get; init; }

    /// <summary>Name used in error messages for <see cref="Content"/>.</summary>
    /// <value>The default is <c>&lt;string&gt;</c>.</value>
    public string ContentName { get; init; } = "<string>";

    /// <summary>Directory that relative includes in <see cref="Content"/> resolve against; the current directory when null.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>When true, a missing <see cref="Path"/> yields no settings instead of an error.</summary>
    public bool Optional { get; init; }

    /// <summary>Looks up environment variables for <c>${ENV}</c> substitutions; the process environment when null.</summary>
    public Func<string, string?>? Environment { get; init; }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(this);
}

/// <summary>Loads a <see cref="HoconConfigurationSource"/>; HOCON keys become <c>:</c>-separated configuration keys.</summary>
public sealed class HoconConfigurationProvider : ConfigurationProvider
{
    private readonly HoconConfigurationSource _source;

    /// <summary>Creates the provider.</summary>
    public HoconConfigurationProvider(HoconConfigurationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <summary>Keys that hold arrays in this source (a higher layer's array replaces a lower layer's entirely).</summary>
    internal IReadOnlyList<string> ArrayPaths { get; private set; } = [];

    /// <inheritdoc />
    /// <exception cref="HoconParseException">The document is not valid HOCON.</exception>
    /// <exception cref="FileNotFoundException">The file is missing and not optional.</exception>
    public override void Load()
    {
        var document = HoconSources.Load(_source);
        Data = document is null
            ? new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string?>(document.Data, StringComparer.OrdinalIgnoreCase);
        ArrayPaths = document?.ArrayPaths ?? [];
    }

    /// <inheritdoc />
    public override string ToString() => $"HOCON {_source.Path ?? _source.ContentName}";
}

internal static class HoconSources
{
    /// <summary>Loads a source; null when an optional file is missing.</summary>
    public static HoconFlatDocument? Load(HoconConfigurationSource source, Func<string, string?>? fallback = null)
    {
        if (source.Path is null)
        {
            return HoconResolver.Load(source.Content ?? string.Empty, source.ContentName, source.BaseDirectory, source.Environment, fallback);
        }

        var full = System.IO.Path.GetFullPath(source.Path);
        if (!File.Exists(full))
        {
            return source.Optional
                ? null
                : throw new FileNotFoundException($"HOCON configuration file '{source.Path}' was not found (looked for {full}).", full);
        }

        return HoconResolver.Load(File.ReadAllText(full), full, System.IO.Path.GetDirectoryName(full), source.Environment, fallback);
    }
}
