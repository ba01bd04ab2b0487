package dev.dockerfilter.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Answers in the Docker Engine's own error shape, {@code {"message":"…"}} as JSON, which every
 * Docker client prints as "Error response from daemon: …".
 */
final class DockerErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DockerErrors() {}

  static FullHttpResponse response(int status, String message, boolean http10, boolean close) {
    ByteBuf body = Unpooled.wrappedBuffer(json(message));
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  static byte[] json(String message) {
    try {
      return (JSON.writeValueAsString(Map.of("message", message)) + "\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map always serialises", e);
    }
  }
}
