using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Buquet.Host.Bench;

/// <summary>What the report says about the machine: cores, OS, runtime, load average (Linux), gen0 budget setting.</summary>
internal static class MachineInfo
{
    private const string Gen0Variable = "DOTNET_GCgen0size";

    public static JsonObject ToJson() => new()
    {
        ["processors"] = Environment.ProcessorCount,
        ["os"] = RuntimeInformation.OSDescription,
        ["architecture"] = RuntimeInformation.OSArchitecture.ToString(),
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["load_average"] = LoadAverage() is { } l ? new JsonArray([.. l.Select(x => (JsonNode)x)]) : null,
        ["gc_gen0size"] = Gen0Size,
    };

    /// <summary>
    /// <c>DOTNET_GCgen0size</c> of this process, which worker processes inherit; null = the runtime's default, which
    /// follows the L3 cache size, so an idle process's RSS grows with what it allocates until its first gen0 collection.
    /// The container image sets 0x400000 (ADR 0010).
    /// </summary>
    public static string? Gen0Size => Environment.GetEnvironmentVariable(Gen0Variable);

    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg; null elsewhere.</summary>
    public static double[]? LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return [.. parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    public static string Describe()
    {
        var load = LoadAverage() is { } l ? string.Join(' ', l.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture))) : "n/a";
        var gen0 = Gen0Size is { } g ? $"{Gen0Variable}={g}" : "gen0 budget: runtime default";
        return $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, load average {load}, {gen0}";
    }
}
