package io.sluice.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.errors.ProtocolException;
import io.sluice.record.Header;
import io.sluice.record.Headers;
import io.sluice.record.Record;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliverCodecTest {

    @Test
    void recordsComeBackAsWrittenWithTheirDeliveryIds() {
        String orders = "orders";
        List<Record> written = List.of(
                Record.of(orders, 0, 10, 1_000, bytes("k1"), bytes("v1"), Headers.empty()),
                Record.of(orders, 0, 11, 1_001, null, bytes("v2"), Headers.of("h", "x")), // same partition, next offset
                Record.of(orders, 0, 15, 1_002, bytes("k3"), bytes(""), Headers.empty()), // same partition, a gap
                Record.of(orders, 1, 15, 1_003, bytes("k4"), bytes("v4"), Headers.empty()), // another partition
                Record.of("audit", 1, 16, 1_004, bytes("k5"), bytes("v5"), Headers.empty())); // another topic
        ByteBuf frame = Unpooled.buffer(64);
        DeliverCodec.begin(frame, 3, 100);
        Record previous = null;
        for (Record r : written) {
            DeliverCodec.encodeRecord(frame, r, previous);
            previous = r;
        }
        DeliverCodec.end(frame, 0, written.size());

        List<Long> ids = new ArrayList<>();
        List<Record> read = new ArrayList<>();
        FrameReader r = body(frame);
        try {
            assertThat(r.kind).isEqualTo(Frames.DELIVER);
            assertThat(r.stream).isEqualTo(3);
            DeliverCodec.read(r, (id, record) -> {
                ids.add(id);
                read.add(record);
            });
        } finally {
            frame.release();
        }

        assertThat(ids).containsExactly(100L, 101L, 102L, 103L, 104L);
        for (int i = 0; i < written.size(); i++) {
            Record w = written.get(i);
            Record got = read.get(i);
            assertThat(List.of(got.topic(), got.partition(), got.offset(), got.timestamp()))
                    .isEqualTo(List.of(w.topic(), w.partition(), w.offset(), w.timestamp()));
            assertThat(got.key()).isEqualTo(w.key());
            assertThat(got.value()).isEqualTo(w.value());
            assertThat(describe(got.headers())).isEqualTo(describe(w.headers()));
        }
    }

    @Test
    void aFirstRecordThatContinuesAPreviousOneIsInvalid() {
        ByteBuf frame = Unpooled.buffer(64);
        DeliverCodec.begin(frame, 1, 0);
        frame.writeByte(DeliverCodec.SAME_PARTITION);
        frame.writeZero(16); // the rest of a record's smallest size, so that the count passes its check
        DeliverCodec.end(frame, 0, 1);
        try {
            FrameReader r = body(frame);
            assertThatThrownBy(() -> DeliverCodec.read(r, (id, record) -> { }))
                    .isInstanceOf(ProtocolException.class).hasMessageContaining("cannot continue a previous one");
        } finally {
            frame.release();
        }
    }

    @Test
    void framesBackToBackInOneBufferEachStartTheirNumberingAfresh() {
        ByteBuf frames = Unpooled.buffer(64);
        Record a = Record.of("orders", 0, 7, 1_000, null, bytes("a"), Headers.empty());
        Record b = Record.of("orders", 0, 8, 1_001, null, bytes("b"), Headers.empty());
        DeliverCodec.begin(frames, 2, 40);
        DeliverCodec.encodeRecord(frames, a, null);
        DeliverCodec.end(frames, 0, 1);
        int second = frames.writerIndex();
        DeliverCodec.begin(frames, 2, 41);
        DeliverCodec.encodeRecord(frames, b, null); // a new frame: the first record carries its partition and offset
        DeliverCodec.end(frames, second, 1);

        List<String> read = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                int length = frames.readInt();
                FrameReader r = new FrameReader(frames.readSlice(length));
                DeliverCodec.read(r, (id, record) -> read.add(id + ":" + record.offset() + ":" + new String(record.value(), StandardCharsets.UTF_8)));
            }
            assertThat(frames.isReadable()).isFalse();
        } finally {
            frames.release();
        }
        assertThat(read).containsExactly("40:7:a", "41:8:b");
    }

    private static FrameReader body(ByteBuf frame) {
        assertThat(frame.readInt()).isEqualTo(frame.readableBytes());
        return new FrameReader(frame);
    }

    private static List<String> describe(Headers headers) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            out.add(h.key() + "=" + (h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
