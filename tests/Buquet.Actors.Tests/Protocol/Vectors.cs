using System.Text.Json;

namespace Buquet.Actors.Tests.Protocol;

internal static class Vectors
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Protocol", "Vectors");

    public static JsonElement Root { get; } = Load();

    public static IEnumerable<string> TaskFiles => Directory.GetFiles(Dir, "task-*.json").OrderBy(f => f, StringComparer.Ordinal);

    private static JsonElement Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Dir, "vectors.json")));
        return doc.RootElement.Clone();
    }
}
