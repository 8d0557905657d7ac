package io.positionkeeper.binance;

import io.positionkeeper.binance.parse.EventMapper;
import io.positionkeeper.binance.parse.StreamDecoder;
import io.positionkeeper.binance.parse.StreamMessage;
import io.positionkeeper.binance.parse.WireFormatException;
import io.positionkeeper.ports.model.StreamEvent;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one text frame into what it means for the streams: port events, a listen key that expired,
 * or a frame that could not be (fully) read, with its event type and the reason. Never throws: a
 * frame it cannot read is reported, and the stream goes on.
 */
final class FrameReader {
  private static final Logger log = LoggerFactory.getLogger(FrameReader.class);
  private static final Pattern EVENT_TYPE = Pattern.compile("\"e\"\\s*:\\s*\"([A-Za-z_]{1,40})\"");

  /** Where a frame's meaning goes. */
  interface Target {
    void event(StreamEvent event);

    void listenKeyExpired();

    void unreadable(String type, String reason, int length);
  }

  void read(String linkName, String text, Target target) {
    StreamMessage message;
    try {
      message = StreamDecoder.decode(text);
    } catch (WireFormatException e) {
      target.unreadable(typeOf(text), e.getMessage(), text.length());
      return;
    } catch (RuntimeException e) {
      // Not expected from the decoder; still a frame we could not read, never a dead stream.
      log.error("{} stream: decoder failure", linkName, e);
      target.unreadable(typeOf(text), e.toString(), text.length());
      return;
    }
    switch (message) {
      case StreamMessage.ListenKeyExpired expired -> target.listenKeyExpired();
      case StreamMessage.SubscriptionReply reply -> {
        if (!reply.error().isEmpty()) {
          target.unreadable("subscription reply", "refused: " + reply.error(), text.length());
        }
      }
      default ->
          EventMapper.map(
              message,
              new EventMapper.Sink() {
                @Override
                public void event(StreamEvent event) {
                  target.event(event);
                }

                @Override
                public void problem(String description) {
                  target.unreadable(message.type(), description, text.length());
                }
              });
    }
  }

  private static String typeOf(String text) {
    Matcher m = EVENT_TYPE.matcher(text.length() > 512 ? text.substring(0, 512) : text);
    return m.find() ? m.group(1) : "untyped";
  }
}
