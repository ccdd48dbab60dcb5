using Buquet.Actors.Configuration;
using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Tests.Configuration;

public sealed class HoconParserTests
{
    private static readonly Func<string, string?> NoEnv = _ => null;

    private static IConfigurationRoot Load(string hocon, Func<string, string?>? env = null, string? baseDirectory = null) =>
        new ConfigurationBuilder()
            .Add(new HoconConfigurationSource { Content = hocon, ContentName = "test.conf", BaseDirectory = baseDirectory, Environment = env ?? NoEnv })
            .Build();

    [Fact]
    public void Load_ObjectsWithAllSeparators_MapToColonKeys()
    {
        var config = Load("""
            a = 1
            b : two
            c { d = 3 }
            e = { f: "four" }
            """);

        Assert.Equal("1", config["a"]);
        Assert.Equal("two", config["b"]);
        Assert.Equal("3", config["c:d"]);
        Assert.Equal("four", config["e:f"]);
    }

    [Fact]
    public void Load_DottedKeysAndRepeatedObjects_Merge()
    {
        var config = Load("""
            buquet.worker.concurrency = 4
            buquet { worker { id = w1 } }
            buquet.worker { concurrency = 8 }
            """);

        Assert.Equal("8", config["buquet:worker:concurrency"]);
        Assert.Equal("w1", config["buquet:worker:id"]);
    }

    [Fact]
    public void Load_ScalarThenObject_ObjectReplacesScalar()
    {
        var config = Load("a = 1\na.b = 2\n");

        Assert.Null(config["a"]);
        Assert.Equal("2", config["a:b"]);
    }

    [Fact]
    public void Load_Arrays_MapToIndexedKeys()
    {
        var config = Load("""
            shards = [ "0", "1",
              a ]
            nested = [ { x = 1 }, [ 2, 3 ] ]
            empty = []
            """);

        Assert.Equal(["0", "1", "a"], config.GetSection("shards").GetChildren().Select(c => c.Value));
        Assert.Equal("1", config["nested:0:x"]);
        Assert.Equal("3", config["nested:1:1"]);
        Assert.Empty(config.GetSection("empty").GetChildren());
    }

    [Fact]
    public void Load_StringsNumbersBooleansNull_KeepTextAndNull()
    {
        var config = Load(""""
            quoted = "a \"b\" \u0041\n"
            unquoted = hello world
            number = -1.5e3
            flag = true
            nothing = null
            quotedNull = "null"
            triple = """line1
            "line2" """
            """");

        Assert.Equal("a \"b\" A\n", config["quoted"]);
        Assert.Equal("hello world", config["unquoted"]);
        Assert.Equal("-1.5e3", config["number"]);
        Assert.Equal("true", config["flag"]);
        Assert.Null(config["nothing"]);
        Assert.Contains(config.AsEnumerable(), kv => kv.Key == "nothing");
        Assert.Equal("null", config["quotedNull"]);
        Assert.Equal("line1\n\"line2\" ", config["triple"]);
    }

    [Fact]
    public void Load_CommentsAndCommas_AreSeparators()
    {
        var config = Load("""
            # hash comment
            // slash comment
            a = 1, b = 2 # trailing
            c = "x // not a comment" // trailing
            o { p = 1, q = 2 }
            """);

        Assert.Equal("1", config["a"]);
        Assert.Equal("2", config["b"]);
        Assert.Equal("x // not a comment", config["c"]);
        Assert.Equal("2", config["o:q"]);
    }

    [Fact]
    public void Load_KeyNamedInclude_IsAnOrdinaryKey()
    {
        Assert.Equal("1", Load("include = 1")["include"]);
    }

    [Fact]
    public void Load_RootBraces_Accepted()
    {
        Assert.Equal("1", Load("{ a = 1 }")["a"]);
    }

    [Fact]
    public void Load_KeysDifferingInCase_AreOneKey()
    {
        var config = Load("Buquet.Worker.Id = a\nbuquet.worker.id = b\n");

        Assert.Equal("b", config["BUQUET:WORKER:ID"]);
    }

    [Fact]
    public void Load_QuotedKeySegment_KeepsDots()
    {
        var config = Load("""per-type { "buquet.echo" = 2 }""");

        Assert.Equal("2", config["per-type:buquet.echo"]);
    }

    [Fact]
    public void Load_SubstitutionOfSetting_ResolvesIncludingForwardReferences()
    {
        var config = Load("""
            a = ${b}
            b = "x"
            url = "http://"${host}":9000/"${b}
            host = minio
            """);

        Assert.Equal("x", config["a"]);
        Assert.Equal("http://minio:9000/x", config["url"]);
    }

    [Fact]
    public void Load_OptionalEnvSubstitution_AbsentKeepsEarlierValuePresentOverrides()
    {
        const string Doc = """
            bucket = "default"
            bucket = ${?S3_BUCKET}
            unset = ${?S3_MISSING}
            """;

        var absent = Load(Doc);
        var present = Load(Doc, name => name == "S3_BUCKET" ? "prod" : null);

        Assert.Equal("default", absent["bucket"]);
        Assert.DoesNotContain(absent.AsEnumerable(), kv => kv.Key == "unset");
        Assert.Equal("prod", present["bucket"]);
    }

    [Fact]
    public void Load_SelfReference_SeesPreviousValue()
    {
        var config = Load("path = a\npath = ${path}\"/b\"\n");

        Assert.Equal("a/b", config["path"]);
    }

    [Fact]
    public void Load_SelfReferenceWithoutEarlierValue_FallsBackToEnvironmentOrFails()
    {
        Assert.Equal("/opt:/x", Load("PATH = ${PATH}\":/x\"", n => n == "PATH" ? "/opt" : null)["PATH"]);
        var ex = Assert.Throws<HoconParseException>(() => Load("a = ${a}\"x\""));
        Assert.Contains("could not resolve substitution ${a}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IncludeCycle_ThrowsNamingTheChain()
    {
        var dir = Directory.CreateTempSubdirectory("hocon-cycle");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "a.conf"), "include \"b.conf\"\n");
            File.WriteAllText(Path.Combine(dir.FullName, "b.conf"), "x = 1\ninclude \"a.conf\"\n");

            var ex = Assert.Throws<HoconParseException>(() => new ConfigurationBuilder().AddHoconFile(Path.Combine(dir.FullName, "a.conf")).Build());

            Assert.Contains("include cycle", ex.Message, StringComparison.Ordinal);
            Assert.EndsWith("b.conf", ex.SourceName, StringComparison.Ordinal);
            Assert.Equal(2, ex.Line);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_RequiredSubstitutionFromEnv_Resolves()
    {
        Assert.Equal("us-east-1", Load("r = ${S3_REGION}", n => n == "S3_REGION" ? "us-east-1" : null)["r"]);
    }

    [Fact]
    public void Load_IncludeRelativeToIncludingFile_MergesAndLaterWins()
    {
        var dir = Directory.CreateTempSubdirectory("hocon-include");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "sub"));
            File.WriteAllText(Path.Combine(dir.FullName, "sub", "base.conf"), "x = 1\ny = 2\ninclude \"deeper.conf\"\n");
            File.WriteAllText(Path.Combine(dir.FullName, "sub", "deeper.conf"), "z = 3\n");
            File.WriteAllText(Path.Combine(dir.FullName, "main.conf"), "include \"sub/base.conf\"\ninclude \"missing.conf\"\nnested { include file(\"sub/deeper.conf\") }\ny = 20\n");

            var config = new ConfigurationBuilder().AddHoconFile(Path.Combine(dir.FullName, "main.conf")).Build();

            Assert.Equal("1", config["x"]);
            Assert.Equal("20", config["y"]);
            Assert.Equal("3", config["z"]);
            Assert.Equal("3", config["nested:z"]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_RequiredIncludeMissing_ThrowsWithPosition()
    {
        var ex = Assert.Throws<HoconParseException>(() => Load("a = 1\n  include required(\"nope.conf\")\n", baseDirectory: Path.GetTempPath()));

        Assert.Equal(2, ex.Line);
        Assert.Equal(3, ex.Column);
        Assert.Contains("nope.conf", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsUnlessOptional()
    {
        var path = Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.conf");

        Assert.Throws<FileNotFoundException>(() => new ConfigurationBuilder().AddHoconFile(path).Build());
        Assert.Empty(new ConfigurationBuilder().AddHoconFile(path, optional: true).Build().AsEnumerable());
    }

    [Theory]
    [InlineData("a = 1\nb {\n  c = 2\n", 4, 1, "expected '}' to close the object")]
    [InlineData("a = 1\nb = \"open\n", 2, 5, "unterminated string")]
    [InlineData("a = 1\nb 2\n", 2, 3, "expected '=', ':' or '{' after key 'b'")]
    [InlineData("a = ${missing.key}\n", 1, 5, "could not resolve substitution ${missing.key}")]
    [InlineData("url = http://host\n", 1, 11, "quote the value")]
    [InlineData("a = [1, 2\n", 2, 1, "expected ']' to close the array of key 'a'")]
    [InlineData("a = \n", 1, 5, "expected a value for key 'a' but found end of line")]
    [InlineData("a =\nb = 1\n", 1, 4, "expected a value for key 'a' but found end of line")]
    [InlineData("a = \"x\" }\n", 1, 9, "expected a newline or ',' after a field")]
    [InlineData("x.\"a:b\" = 1\n", 1, 3, "contains ':'")]
    [InlineData("a += [1]\n", 1, 3, "'+=' is not supported")]
    public void Load_InvalidDocument_ThrowsWithLineColumnAndExpectation(string hocon, int line, int column, string expected)
    {
        var ex = Assert.Throws<HoconParseException>(() => Load(hocon));

        Assert.Equal("test.conf", ex.SourceName);
        Assert.Equal((line, column), (ex.Line, ex.Column));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"test.conf:{line}:{column}: ", ex.Message, StringComparison.Ordinal);
    }
}
