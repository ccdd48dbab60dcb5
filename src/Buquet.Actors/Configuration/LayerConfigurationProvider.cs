using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Configuration;

/// <summary>One precomputed layer of <see cref="BuquetConfiguration.Build"/>, named for <c>config show</c>.</summary>
internal sealed class LayerConfigurationSource(string layerName, IDictionary<string, string?> data) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new LayerConfigurationProvider(layerName, data);
}

internal sealed class LayerConfigurationProvider : ConfigurationProvider
{
    public LayerConfigurationProvider(string layerName, IDictionary<string, string?> data)
    {
        LayerName = layerName;
        Data = new Dictionary<string, string?>(data, StringComparer.OrdinalIgnoreCase);
    }

    public string LayerName { get; }

    public override string ToString() => LayerName;
}

/// <summary>A layer before it becomes a provider: its keys, and the list keys it replaces wholesale in lower layers.</summary>
internal sealed record ConfigurationLayer(string Name, Dictionary<string, string?> Data, HashSet<string> ReplacedLists);
