package dev.dockerfilter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Feeds raw bytes to a {@link StrictRequestDecoder} and collects what it emits. */
final class Wire {
  static final String CRLF = "\r\n";

  private Wire() {}

  /** A request head: the lines joined by CRLF, then the empty line. */
  static String head(String... lines) {
    return String.join(CRLF, lines) + CRLF + CRLF;
  }

  static EmbeddedChannel channel(StrictRequestDecoder decoder) {
    return new EmbeddedChannel(decoder);
  }

  /** Writes each part as its own read and returns every object decoded so far, in order. */
  static List<Object> feed(EmbeddedChannel channel, String... parts) {
    for (String part : parts) {
      channel.writeInbound(bytes(part));
    }
    List<Object> decoded = new ArrayList<>();
    for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
      decoded.add(message);
    }
    return decoded;
  }

  /** Decodes one buffer on a fresh connection with the default limits. */
  static List<Object> decode(String raw) {
    return feed(channel(new StrictRequestDecoder()), raw);
  }

  /** Decodes the first request and checks its head, as the proxy does. */
  static RequestHead headOf(String raw) throws MalformedRequestException {
    List<Object> decoded = decode(raw);
    try {
      assertThat(decoded).first().isInstanceOf(HttpRequest.class);
      return RequestHead.from((HttpRequest) decoded.get(0));
    } finally {
      release(decoded);
    }
  }

  /** The status of a decoder reject; fails the test if the object is not one. */
  static int rejectStatus(Object decoded) {
    assertThat(decoded).isInstanceOf(DecoderResultProvider.class);
    DecoderResultProvider provider = (DecoderResultProvider) decoded;
    assertThat(provider.decoderResult().isFailure()).as("decoder result is a failure").isTrue();
    assertThat(provider.decoderResult().cause()).isInstanceOf(MalformedRequestException.class);
    return ((MalformedRequestException) provider.decoderResult().cause()).status();
  }

  /** The body bytes of a content object as ISO-8859-1 text. */
  static String text(Object content) {
    return ((HttpContent) content).content().toString(StandardCharsets.ISO_8859_1);
  }

  static void release(List<Object> decoded) {
    decoded.forEach(ReferenceCountUtil::release);
  }

  static ByteBuf bytes(String raw) {
    return Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1);
  }
}
