using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Buquet.Actors.Configuration;

namespace Buquet.Actors.Cluster;

/// <summary>
/// Mutual TLS on the fleet system's remoting (<c>buquet.cluster.tls</c>, ADR 0028, INTERNAL API): Akka's DotNetty
/// transport with <c>enable-ssl</c>, this node's certificate, and a validator that accepts a peer only when it presents
/// the same certificate (pinned by thumbprint), both when this node connects and when a peer connects to it. The chain
/// is not checked against the machine's CAs, so a self-signed fleet certificate serves; the password stays out of the
/// HOCON (it is only in the setup).
/// </summary>
/// <param name="CertificatePath">PKCS#12 file with the private key, the same on every member.</param>
/// <param name="CertificatePassword">Its password; empty = none.</param>
internal sealed record FleetTlsSettings(string CertificatePath, string CertificatePassword)
{
    /// <summary>Settings from validated options, or null with TLS off.</summary>
    public static FleetTlsSettings? FromOptions(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Tls.Enabled ? new FleetTlsSettings(options.Tls.CertificatePath, options.Tls.CertificatePassword) : null;
    }

    /// <summary>TLS on for the transport; the certificate comes from <see cref="Setup"/>.</summary>
    public static Config ToConfig() => ConfigurationFactory.ParseString("""
        akka.remote.dot-netty.tcp {
          enable-ssl = true
          ssl {
            suppress-validation = false
            require-mutual-authentication = true
            validate-certificate-hostname = false
          }
        }
        """);

    /// <summary>The transport's TLS setup: this certificate, mutual authentication, peers pinned to its thumbprint.</summary>
    /// <exception cref="BuquetConfigurationException">The file cannot be read as a PKCS#12 certificate with a private key.</exception>
    public DotNettySslSetup Setup()
    {
        var certificate = Load();
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, CertificateValidation.PinnedCertificate(certificate.Thumbprint));
    }

    /// <summary>Reads the certificate (at construction of the fleet cluster, so a bad file fails start-up with its key).</summary>
    public X509Certificate2 Load()
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword.Length == 0 ? null : CertificatePassword);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new BuquetConfigurationException($"buquet.cluster.tls.certificate-path = '{CertificatePath}': cannot read it as a PKCS#12 certificate with buquet.cluster.tls.certificate-password: {e.Message}");
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new BuquetConfigurationException($"buquet.cluster.tls.certificate-path = '{CertificatePath}' has no private key: the fleet's certificate must carry it (PKCS#12)");
        }

        return certificate;
    }
}
