// Asserts that a file is a real, drawn PNG: it decodes with ImageIO, has the expected size and is not blank.
package dev.nanolm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

public final class PngCheck {
    /** Decodes png and checks its size and that it holds a drawing (many colours, a share of non-white pixels). */
    public static BufferedImage assertDrawnPng(Path png, int width, int height) throws Exception {
        assertTrue(Files.isRegularFile(png), png + " should exist");
        assertTrue(Files.size(png) > 5_000, png + " is suspiciously small: " + Files.size(png) + " bytes");
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(png)) { assertEquals(8, in.read(head)); }
        assertEquals((byte) 0x89, head[0]);
        assertEquals("PNG", new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "ImageIO cannot decode " + png);
        assertEquals(width, img.getWidth());
        assertEquals(height, img.getHeight());
        Set<Integer> colours = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < img.getHeight(); y += 2)
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb != 0xffffff) nonWhite++;
            }
        long sampled = (long) (img.getWidth() / 2) * (img.getHeight() / 2);
        assertTrue(colours.size() > 20, png + " has only " + colours.size() + " colours: blank?");
        assertTrue(nonWhite > sampled / 100, png + ": only " + nonWhite + " of " + sampled + " sampled pixels are not white");
        return img;
    }

    /** Counts pixels within a small distance of the colour c (to find a series drawn in that colour). */
    public static long pixelsNear(BufferedImage img, java.awt.Color c, int tol) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
                if (Math.abs(r - c.getRed()) <= tol && Math.abs(g - c.getGreen()) <= tol && Math.abs(b - c.getBlue()) <= tol) n++;
            }
        return n;
    }

    private PngCheck() {}
}
