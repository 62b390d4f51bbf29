/**
 * The shared name checks of lib/core (DNS subdomains, image references, pinned images,
 * label keys and values) and the AWS region check of lib/backup/s3-names.
 */
import { isAwsRegion } from '../../lib/model/s3-names';
import { isDnsSubdomain, isImageReference, isPinnedImage } from '../../lib/core/dns';
import { isLabelKey, isLabelValue } from '../../lib/core/labels';

test('DNS subdomains: lower case, digits, \'-\' and \'.\', at most 253 characters', () => {
  for (const ok of ['orders-db', 'orders.db', 'a', '0', `${'a'.repeat(253)}`]) expect(isDnsSubdomain(ok)).toBe(true);
  for (const bad of ['', 'Orders', '-a', 'a-', 'a_b', 'a/b', `${'a'.repeat(254)}`]) expect(isDnsSubdomain(bad)).toBe(false);
  // each dot-separated part is a DNS label (RFC 1123): no empty part, none starting or ending with '-'
  for (const bad of ['a..b', 'a.-b', 'a-.b', '.a', 'a.']) expect(isDnsSubdomain(bad)).toBe(false);
});

test('image references: registry, repository, tag and digest; no empty path segment', () => {
  for (const ok of ['postgres', 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie', 'registry:5000/patroni:4.1',
    `registry.example.com/patroni@sha256:${'a'.repeat(64)}`]) {
    expect(isImageReference(ok)).toBe(true);
  }
  for (const bad of ['', 'Postgres', 'registry.example.com//patroni:4.1', 'patroni:', 'patroni@sha256:abc', 'a b']) expect(isImageReference(bad)).toBe(false);
});

test('pinned images: a tag other than latest, or a digest', () => {
  for (const ok of ['registry.k8s.io/kubectl:v1.34.1', `kubectl@sha256:${'a'.repeat(64)}`]) expect(isPinnedImage(ok)).toBe(true);
  for (const bad of ['registry.k8s.io/kubectl', 'bitnami/kubectl:latest', 'postgres']) expect(isPinnedImage(bad)).toBe(false);
});

test('label keys: an optional DNS-subdomain prefix, then a name of at most 63 characters', () => {
  for (const ok of ['release', 'topology.kubernetes.io/zone', 'kubernetes.io/hostname', 'a_b.c-d', 'A1']) expect(isLabelKey(ok)).toBe(true);
  for (const bad of ['', '/zone', 'Example.COM/zone', 'example.com/', 'a/b/c', 'not valid', '-a', `${'a'.repeat(64)}`, `${'a'.repeat(254)}/x`]) {
    expect(isLabelKey(bad)).toBe(false);
  }
});

test('label values: empty, or at most 63 letters, digits, \'-\', \'_\', \'.\' starting and ending alphanumeric', () => {
  for (const ok of ['', 'eu-west-1a', 'A_b.c', 'x']) expect(isLabelValue(ok)).toBe(true);
  for (const bad of ['not valid!', '-a', 'a.', 'a/b', `${'a'.repeat(64)}`]) expect(isLabelValue(bad)).toBe(false);
});

test('AWS regions: commercial, GovCloud and ISO partitions', () => {
  for (const ok of ['eu-west-1', 'us-gov-west-1', 'us-isob-east-1', 'ap-southeast-2']) expect(isAwsRegion(ok)).toBe(true);
  for (const bad of ['EU', 'Ireland', 'eu-west', 'eu-west-1a', '']) expect(isAwsRegion(bad)).toBe(false);
});
