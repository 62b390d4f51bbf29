/** Property-based test of random Crunchy PGO stacks (test/security/property-suite.ts). */
import { describeRandomStacks } from './property-suite';

describeRandomStacks('Crunchy PGO');
