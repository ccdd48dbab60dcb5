using System.Text.Json;
using System.Text.RegularExpressions;

namespace Buquet.Host.Tests.Deploy;

/// <summary>Image paths mapped to files on this machine (longest prefix wins).</summary>
public sealed class PathMap
{
    private readonly List<(string Image, string Host)> _entries = [];

    public void Add(string imagePath, string hostPath) => _entries.Add((imagePath.TrimEnd('/'), hostPath.TrimEnd('/')));

    /// <summary>The host path of <paramref name="imagePath"/>, or null when no mapped directory contains it.</summary>
    public string? TryMap(string imagePath)
    {
        foreach (var (image, host) in _entries.OrderByDescending(e => e.Image.Length))
        {
            if (imagePath == image)
            {
                return host;
            }

            if (imagePath.StartsWith(image + "/", StringComparison.Ordinal))
            {
                return Path.Combine(host, imagePath[(image.Length + 1)..]);
            }
        }

        return null;
    }

    /// <summary>Maps a value that is an absolute image path; any other value is returned as it is.</summary>
    public string MapValue(string value) => value.StartsWith('/') && TryMap(value) is { } host ? host : value;
}

/// <summary>
/// The runtime image as <c>deploy/container/Dockerfile</c> declares it: its last stage's ENV, WORKDIR, ENTRYPOINT, CMD
/// and EXPOSE, and where each path of the image comes from. <c>COPY</c> of repository files (through the build stage)
/// maps to the repository; the build stage's <c>dotnet publish -o DIR</c> output maps to the built <c>buquet.dll</c>
/// this test project runs.
/// </summary>
public sealed record ImageSpec(
    IReadOnlyList<string> Entrypoint,
    IReadOnlyList<string> Cmd,
    IReadOnlyDictionary<string, string> Env,
    string WorkDir,
    IReadOnlyList<int> Exposed,
    PathMap Paths)
{
    public static ImageSpec Parse(string dockerfile, string contextDirectory, string publishOutput)
    {
        var stages = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal); // stage -> image path -> host path
        Dictionary<string, string> current = [];
        var workDir = "/";
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string> entrypoint = [], cmd = [];
        List<int> exposed = [];
        foreach (var (instruction, rest) in Instructions(File.ReadAllText(dockerfile)))
        {
            switch (instruction)
            {
                case "FROM":
                    var from = Regex.Match(rest, @"^\S+(?:\s+AS\s+(\S+))?$", RegexOptions.IgnoreCase);
                    current = [];
                    stages[from.Groups[1].Success ? from.Groups[1].Value : stages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)] = current;
                    workDir = "/";
                    env = new Dictionary<string, string>(StringComparer.Ordinal);
                    entrypoint = [];
                    cmd = [];
                    exposed = [];
                    break;
                case "WORKDIR":
                    workDir = Resolve(workDir, rest.Trim());
                    break;
                case "COPY":
                    var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var fromStage = words.FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
                    var paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                    var destination = Resolve(workDir, paths[^1]);
                    foreach (var source in paths[..^1])
                    {
                        var host = fromStage is null
                            ? Path.Combine(contextDirectory, source.TrimEnd('/'))
                            : MapIn(stages[fromStage], source);
                        var target = paths.Length == 2 && (source.EndsWith('/') || Directory.Exists(host)) ? destination : Resolve(destination, Path.GetFileName(source.TrimEnd('/')));
                        if (host is not null)
                        {
                            current[target.TrimEnd('/')] = host;
                        }
                    }

                    break;
                case "RUN" when Regex.Match(rest, @"dotnet publish .*-o (\S+)") is { Success: true } publish:
                    current[Resolve(workDir, publish.Groups[1].Value).TrimEnd('/')] = publishOutput;
                    break;
                case "ENV":
                    foreach (Match pair in Regex.Matches(rest, @"(\w+)=(""[^""]*""|\S+)"))
                    {
                        env[pair.Groups[1].Value] = pair.Groups[2].Value.Trim('"');
                    }

                    break;
                case "ENTRYPOINT":
                    entrypoint = JsonSerializer.Deserialize<List<string>>(rest) ?? [];
                    break;
                case "CMD":
                    cmd = JsonSerializer.Deserialize<List<string>>(rest) ?? [];
                    break;
                case "EXPOSE":
                    exposed.AddRange(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture)));
                    break;
            }
        }

        var map = new PathMap();
        foreach (var (image, host) in current)
        {
            map.Add(image, host);
        }

        return new ImageSpec(entrypoint, cmd, env, workDir, exposed, map);
    }

    /// <summary>Instructions with their continuation lines joined; comments (and parser directives) dropped.</summary>
    private static IEnumerable<(string Instruction, string Arguments)> Instructions(string text)
    {
        var logical = Regex.Replace(text, @"\\\r?\n", " ");
        foreach (var raw in logical.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            yield return space < 0 ? (line.ToUpperInvariant(), string.Empty) : (line[..space].ToUpperInvariant(), line[(space + 1)..].Trim());
        }
    }

    private static string? MapIn(Dictionary<string, string> stage, string imagePath)
    {
        var map = new PathMap();
        foreach (var (image, host) in stage)
        {
            map.Add(image, host);
        }

        return map.TryMap(imagePath.TrimEnd('/'));
    }

    private static string Resolve(string directory, string path)
    {
        var combined = path.StartsWith('/') ? path : directory.TrimEnd('/') + "/" + (path is "." or "./" ? string.Empty : path);
        return combined.Length > 1 ? combined.TrimEnd('/') : "/";
    }
}
