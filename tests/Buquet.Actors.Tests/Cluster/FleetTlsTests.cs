using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Buquet.Actors.Cluster;
using Buquet.Actors.Configuration;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// Mutual TLS on the fleet's remoting (<c>buquet.cluster.tls</c>, ADR 0028) on loopback: members holding the fleet's
/// certificate form a cluster over TLS; a node with another certificate is refused. Real remoting and real time; every
/// wait is on a status change or a log record.
/// </summary>
public sealed class FleetTlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("buquet-tls-").FullName;

    [Fact]
    public async Task Tls_TwoMembersWithTheFleetCertificate_FormAClusterAndPush()
    {
        var fleet = Certificate("fleet", "pw-1");

        await using var a = new FleetNode(FleetNode.Loopback([]) with { Tls = new FleetTlsSettings(fleet, "pw-1") });
        await using var b = new FleetNode(FleetNode.Loopback([$"127.0.0.1:{a.Cluster.SelfAddress!.Port}"]) with { Tls = new FleetTlsSettings(fleet, "pw-1") });

        await b.UntilAsync(() => b.Cluster.Status is { State: FleetState.Clustered, Members: 2 }, "b clustered over TLS");
        await FleetNode.PublishUntilAsync(() => b.Cluster.TaskReady("ready/t/0029000000/s"), a, () => a.Ready.Contains("ready/t/0029000000/s"), "b→a over TLS");
        Assert.True(a.Cluster.CurrentSystem!.Settings.Config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
    }

    [Fact]
    public async Task Tls_PeerWithAnotherCertificate_IsRefusedAndStaysIsolated()
    {
        var fleet = Certificate("fleet", "pw-1");
        var stranger = Certificate("stranger", "pw-2");
        using var logs = new LogSignal("Certificate pinning failed"); // Akka's TLS validator, refusing the peer's certificate

        await using var a = new FleetNode(FleetNode.Loopback([]) with { Tls = new FleetTlsSettings(fleet, "pw-1") });
        await using var c = new FleetNode(FleetNode.Loopback([$"127.0.0.1:{a.Cluster.SelfAddress!.Port}"]) with { Tls = new FleetTlsSettings(stranger, "pw-2") }, logs.Factory);
        await logs.WaitAsync();

        Assert.Equal(0, c.Cluster.Status.Members);
        Assert.Equal(1, a.Cluster.Status.Members);
    }

    [Fact]
    public void Load_WrongPassword_ErrorNamesTheKey()
    {
        var path = Certificate("fleet", "pw-1");

        var error = Assert.Throws<BuquetConfigurationException>(() => new FleetTlsSettings(path, "wrong").Load());

        Assert.Contains("buquet.cluster.tls.certificate-path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TlsOnWithoutCertificate_NamesTheKey()
    {
        var options = new BuquetOptions();
        options.Cluster.Enabled = true;
        options.Cluster.PublicHostname = "w1";
        options.Cluster.Tls.Enabled = true;

        var errors = BuquetOptionsValidator.Check(options);

        Assert.Contains(errors, e => e.StartsWith("buquet.cluster.tls.certificate-path = '' is not a file", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A self-signed PKCS#12 certificate for client and server authentication, written to a file.</summary>
    private string Certificate(string name, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=buquet-{name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(_directory, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }
}
