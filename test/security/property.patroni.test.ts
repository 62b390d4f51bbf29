/** Property-based test of random Patroni stacks (test/security/property-suite.ts). */
import { describeRandomStacks } from './property-suite';

describeRandomStacks('Patroni');
