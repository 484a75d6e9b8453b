package dev.switchyard.schemas.serde;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * One thread's reusable space for Avro encoding and decoding. Every request, dispatch, reply chunk and Completion is
 * encoded once and decoded at least once, on event loops and consumer threads: a fresh growing stream, encoder and
 * decoder per record were among the router's larger allocators. A record now costs one copy into its own array.
 * Not shared between threads ({@link #get}).
 */
final class AvroScratch extends OutputStream {
    /** A buffer that grew past this for a rare large record is dropped after it, not kept by the thread. */
    private static final int KEEP_BYTES = 64 * 1024;
    private static final int INITIAL_BYTES = 1024;
    private static final ThreadLocal<AvroScratch> PER_THREAD = ThreadLocal.withInitial(AvroScratch::new);

    private byte[] buf = new byte[INITIAL_BYTES];
    private int count;
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    static AvroScratch get() {
        return PER_THREAD.get();
    }

    /**
     * Empties the buffer and returns the thread's buffered encoder writing into it. The encoder is configured before
     * the reset: reconfiguring flushes what a failed encoding may have left in it, and that must not reach this record.
     */
    BinaryEncoder startEncoding() {
        encoder = EncoderFactory.get().binaryEncoder(this, encoder);
        if (buf.length > KEEP_BYTES) {
            buf = new byte[INITIAL_BYTES];
        }
        count = 0;
        return encoder;
    }

    /** After a failed encoding: the encoder may hold part of it, so the next record gets a new one. */
    void dropEncoder() {
        encoder = null;
    }

    /** What was written since {@link #startEncoding}, in an array of its own. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }

    BinaryDecoder decoder(byte[] data, int offset, int length) {
        decoder = DecoderFactory.get().binaryDecoder(data, offset, length, decoder);
        return decoder;
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    private void ensure(int more) {
        if (count + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
        }
    }
}
