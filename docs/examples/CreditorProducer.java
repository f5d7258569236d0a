// SPDX-License-Identifier: EUPL-1.2
//
// A creditor's producer for the vroegsignaal intake topic, with the Apache Kafka Java
// client (kafka-clients). Reads "key<TAB>json" lines from standard input: the key is the
// CBS municipality code of the resident's postcode (docs/streaming.md, "Partitioning").
// Each message is signed as the creditor sends it (docs/streaming.md, "Who sent it"):
// VROEGSIGNAAL_SCHULDEISER is the creditor's code, VROEGSIGNAAL_SENDER_KEY its sender key
// (base64, from `vroegsignaal keys schuldeiser CODE`).
//
//   VROEGSIGNAAL_SCHULDEISER=... VROEGSIGNAAL_SENDER_KEY=... \
//   java -cp 'kafka-clients-4.1.1.jar:<its dependencies>' CreditorProducer.java \
//        BOOTSTRAP TOPIC [COMPRESSION] [TRANSACTIONAL_ID] < signalen.tsv
//
// Tested as it stands by tests/integration/streaming/test_streaming_creditor_producers.py.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Properties;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

public class CreditorProducer {
    public static void main(String[] args) throws Exception {
        // Who sends: header "schuldeiser", and "handtekening" = "hmac-sha256=" + base64 of
        // HMAC-SHA256(sender key, the exact value bytes).
        byte[] code = System.getenv("VROEGSIGNAAL_SCHULDEISER").getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(
                Base64.getDecoder().decode(System.getenv("VROEGSIGNAAL_SENDER_KEY")), "HmacSHA256"));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        // Durable and without duplicates from the producer's own retries.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Any codec: none, gzip, snappy, lz4, zstd. Batches of at most 1 MiB compressed
        // (the topic's max.message.bytes).
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, args.length > 2 ? args[2] : "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        // The default partitioner: murmur2 of the key, the placement vroegsignaal expects.
        String transactionalId = args.length > 3 ? args[3] : null;
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p);
             BufferedReader in = new BufferedReader(
                     new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            if (transactionalId != null) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            String line;
            int sent = 0;
            while ((line = in.readLine()) != null) {
                String[] kv = line.split("\t", 2);
                ProducerRecord<String, String> record = new ProducerRecord<>(args[1], kv[0], kv[1]);
                byte[] signature = mac.doFinal(kv[1].getBytes(StandardCharsets.UTF_8));
                record.headers()
                        .add("schuldeiser", code)
                        .add("handtekening", ("hmac-sha256="
                                + Base64.getEncoder().encodeToString(signature))
                                .getBytes(StandardCharsets.UTF_8));
                producer.send(record);
                sent++;
            }
            if (transactionalId != null) {
                producer.commitTransaction();  // read_committed: visible to the intake only now
            }
            producer.flush();
            System.out.println("sent " + sent);
        }
    }
}
