namespace Buquet.Actors.Configuration;

/// <summary><c>include "file.conf"</c>, <c>include file("…")</c>, <c>include required("…")</c>, <c>include required(file("…"))</c>.</summary>
internal sealed partial class HoconParser
{
    private void ParseInclude(HoconObject target)
    {
        var at = Here;
        Advance("include".Length);
        while (IsInlineWhitespace(Current))
        {
            Advance();
        }

        var required = false;
        var closers = 0;
        if (LookingAt("required("))
        {
            required = true;
            Advance("required(".Length);
            closers++;
        }

        if (LookingAt("file("))
        {
            Advance("file(".Length);
            closers++;
        }
        else if (LookingAt("url(") || LookingAt("classpath("))
        {
            throw Here.Error("only file includes are supported: use include \"path\" or include file(\"path\")");
        }

        if (Current != '"')
        {
            throw Here.Error($"expected a quoted file name after 'include' but found {Describe()}");
        }

        var name = ReadQuoted();
        for (var i = 0; i < closers; i++)
        {
            while (IsInlineWhitespace(Current))
            {
                Advance();
            }

            if (Current != ')')
            {
                throw Here.Error($"expected ')' to close the include of \"{name}\" but found {Describe()}");
            }

            Advance();
        }

        var path = Path.GetFullPath(Path.IsPathRooted(name) ? name : Path.Combine(_baseDirectory ?? Directory.GetCurrentDirectory(), name));
        if (!File.Exists(path))
        {
            if (required)
            {
                throw at.Error($"required include \"{name}\" was not found (looked for {path})");
            }

            return;
        }

        if (_includeChain.Contains(path, StringComparer.Ordinal) || _includeChain.Count >= MaxIncludeDepth)
        {
            throw at.Error($"include cycle: \"{name}\" ({path}) is already being included by {string.Join(" -> ", _includeChain)}");
        }

        var included = new HoconParser(File.ReadAllText(path), path, Path.GetDirectoryName(path), [.. _includeChain, path]).ParseDocument();
        foreach (var (key, value) in included.Fields)
        {
            Assign(target, key, value);
        }
    }
}
