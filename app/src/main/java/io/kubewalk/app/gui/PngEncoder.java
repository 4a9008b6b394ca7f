package io.kubewalk.app.gui;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes ARGB pixels as a PNG (8-bit RGBA, filter 0, zlib from {@code java.util.zip}), so that
 * exporting the view needs neither {@code javafx.swing} nor AWT's ImageIO.
 */
final class PngEncoder {

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private PngEncoder() {}

  /** Encodes {@code argb} (row-major, {@code width * height} pixels). */
  static byte[] encode(int[] argb, int width, int height) {
    if (width <= 0 || height <= 0 || argb.length < width * height) {
      throw new IllegalArgumentException("bad image size " + width + "x" + height);
    }
    try {
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      file.write(SIGNATURE);
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(ihdr);
      h.writeInt(width);
      h.writeInt(height);
      h.writeByte(8); // bit depth
      h.writeByte(6); // colour type RGBA
      h.writeByte(0); // compression
      h.writeByte(0); // filter
      h.writeByte(0); // no interlace
      chunk(file, "IHDR", ihdr.toByteArray());
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      try (DeflaterOutputStream z = new DeflaterOutputStream(idat,
          new Deflater(Deflater.BEST_SPEED))) {
        byte[] row = new byte[1 + width * 4];
        for (int y = 0; y < height; y++) {
          row[0] = 0;
          for (int x = 0; x < width; x++) {
            int p = argb[y * width + x];
            int o = 1 + x * 4;
            row[o] = (byte) (p >>> 16);
            row[o + 1] = (byte) (p >>> 8);
            row[o + 2] = (byte) p;
            row[o + 3] = (byte) (p >>> 24);
          }
          z.write(row);
        }
      }
      chunk(file, "IDAT", idat.toByteArray());
      chunk(file, "IEND", new byte[0]);
      return file.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.writeInt(data.length);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }
}
