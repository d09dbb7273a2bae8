using System.Net;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace SmartDomains.Portal.Server;

/// <summary>A refusal or failure that the client gets as its status and a JSON body { error, ...extra }.</summary>
public sealed class PortalHttpException : Exception
{
    public PortalHttpException(int status, string message, object? extra = null) : base(message)
    {
        Status = status;
        Extra = extra;
    }

    public int Status { get; }
    public object? Extra { get; }

    public static PortalHttpException NotFound(string what) => new(404, $"{what} is not there, or not inside the portal's folder.");
}

/// <summary>One request and its response, with the JSON the API speaks.</summary>
internal sealed class PortalExchange
{
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    public PortalExchange(HttpListenerContext context, RequestTarget target)
    {
        Context = context;
        Target = target;
    }

    public HttpListenerContext Context { get; }
    public HttpListenerRequest Request => Context.Request;
    public HttpListenerResponse Response => Context.Response;
    public RequestTarget Target { get; }
    public string Method => Request.HttpMethod.ToUpperInvariant();
    /// <summary>Whether the status and headers are gone to the client (a stream began), so a failure can no longer be reported.</summary>
    public bool Started { get; set; }

    /// <summary>The body as a JSON object; 400 when it is not one, 413 when it is too large.</summary>
    public async Task<JObject> ReadJsonAsync(CancellationToken cancellation)
    {
        if (Request.ContentLength64 > MaxBodyBytes) throw new PortalHttpException(413, $"The request body is larger than {MaxBodyBytes / (1024 * 1024)} MiB.");
        using var memory = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await Request.InputStream.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
        {
            if (memory.Length + read > MaxBodyBytes) throw new PortalHttpException(413, $"The request body is larger than {MaxBodyBytes / (1024 * 1024)} MiB.");
            memory.Write(buffer, 0, read);
        }
        try
        {
            return JToken.Parse(Encoding.UTF8.GetString(memory.ToArray())) as JObject
                ?? throw new PortalHttpException(400, "The request body must be a JSON object.");
        }
        catch (JsonException ex) { throw new PortalHttpException(400, $"The request body is not JSON: {ex.Message}"); }
    }

    public Task JsonAsync(int status, object body, CancellationToken cancellation) =>
        BytesAsync(status, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(PortalJson.Serialize(body)), cancellation);

    public async Task BytesAsync(int status, string contentType, byte[] bytes, CancellationToken cancellation)
    {
        Started = true;
        Response.StatusCode = status;
        Response.ContentType = contentType;
        Response.ContentLength64 = bytes.Length;
        if (Method != "HEAD") await Response.OutputStream.WriteAsync(bytes, cancellation).ConfigureAwait(false);
    }

    /// <summary>A string field of the body; 400 when it is missing and required.</summary>
    public static string? Field(JObject body, string name, bool required)
    {
        var token = body[name];
        if (token is null || token.Type == JTokenType.Null)
            return required ? throw new PortalHttpException(400, $"The request body needs \"{name}\".") : null;
        return token.Type == JTokenType.String ? (string)token! : throw new PortalHttpException(400, $"\"{name}\" must be a string.");
    }
}
