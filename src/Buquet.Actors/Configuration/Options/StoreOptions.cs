namespace Buquet.Actors.Configuration;

/// <summary>Object store settings (<c>buquet.store</c>).</summary>
public sealed class StoreOptions
{
    /// <summary>Which store to use (<c>kind</c>).</summary>
    /// <value>The default is <see cref="StoreKind.Local"/>; setting <c>S3_BUCKET</c> in the environment switches to <see cref="StoreKind.S3"/>.</value>
    public StoreKind Kind { get; set; } = BuquetDefaults.StoreKind;

    /// <summary>Local-directory store (<c>local</c>).</summary>
    public LocalStoreOptions Local { get; set; } = new();

    /// <summary>S3-compatible store (<c>s3</c>).</summary>
    public S3StoreOptions S3 { get; set; } = new();

    /// <summary>Timeout of one store request (<c>request-timeout</c>).</summary>
    /// <value>The default is 30 s.</value>
    public TimeSpan RequestTimeout { get; set; } = BuquetDefaults.StoreRequestTimeout;

    /// <summary>Retries of a failed store request (5xx, throttling, network) before the error surfaces (<c>max-retries</c>).</summary>
    /// <value>The default is 3.</value>
    public int MaxRetries { get; set; } = BuquetDefaults.StoreMaxRetries;
}

/// <summary>Local-directory store settings (<c>buquet.store.local</c>).</summary>
public sealed class LocalStoreOptions
{
    /// <summary>Directory that holds the objects (<c>path</c>); relative paths resolve against the working directory.</summary>
    /// <value>The default is <c>./buquet-data</c>.</value>
    public string Path { get; set; } = BuquetDefaults.StoreLocalPath;
}

/// <summary>S3-compatible store settings (<c>buquet.store.s3</c>); buquet's <c>S3_*</c> and <c>AWS_*</c> variables map here.</summary>
public sealed class S3StoreOptions
{
    /// <summary>Endpoint URL (<c>endpoint</c>, env <c>S3_ENDPOINT</c>); empty means AWS S3.</summary>
    /// <value>The default is empty.</value>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>Region (<c>region</c>, env <c>S3_REGION</c>, fallback <c>AWS_REGION</c>).</summary>
    /// <value>The default is <c>us-east-1</c>.</value>
    public string Region { get; set; } = BuquetDefaults.StoreS3Region;

    /// <summary>Bucket name (<c>bucket</c>, env <c>S3_BUCKET</c>); the bucket must have versioning on.</summary>
    /// <value>The default is empty (required when <see cref="StoreOptions.Kind"/> is s3).</value>
    public string Bucket { get; set; } = string.Empty;

    /// <summary>Access key id (<c>access-key</c>, env <c>AWS_ACCESS_KEY_ID</c>); empty uses the AWS SDK credential chain.</summary>
    /// <value>The default is empty.</value>
    public string AccessKey { get; set; } = string.Empty;

    /// <summary>Secret access key (<c>secret-key</c>, env <c>AWS_SECRET_ACCESS_KEY</c>); redacted by <c>config show</c>.</summary>
    /// <value>The default is empty.</value>
    public string SecretKey { get; set; } = string.Empty;

    /// <summary>Session token for temporary credentials (<c>session-token</c>, env <c>AWS_SESSION_TOKEN</c>).</summary>
    /// <value>The default is empty.</value>
    public string SessionToken { get; set; } = string.Empty;

    /// <summary>Path-style addressing, needed by MinIO, Ceph and moto (<c>force-path-style</c>); on by default when <c>S3_ENDPOINT</c> is set.</summary>
    /// <value>The default is false.</value>
    public bool ForcePathStyle { get; set; }

    /// <summary>Accept a bucket without versioning (<c>allow-no-versioning</c>, env <c>BUQUET_ALLOW_NO_VERSIONING</c>); history is then unavailable.</summary>
    /// <value>The default is false.</value>
    public bool AllowNoVersioning { get; set; }
}
