import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import type { MoneyService } from '../money/money.service.js';
import type { FileReferences } from '../uploads/file-references.js';
import { updateContact } from '../user/user.repository.js';
import type { UserService } from '../user/user.service.js';
import type { AccountOverview, ProfileUpdate } from './account.schemas.js';
import type { VerificationService } from './verification.service.js';

/** The owner's own account: contact details, avatar, and everything the account page shows. */
export class ProfileService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly verifications: VerificationService,
    private readonly fileRefs: FileReferences,
    private readonly money: MoneyService,
  ) {}

  async overview(userId: number): Promise<AccountOverview> {
    const [profile, verifications, balanceFen] = await Promise.all([
      this.users.profile(userId),
      this.verifications.mine(userId),
      this.money.balance(userId),
    ]);
    return { profile, balanceFen, ...verifications };
  }

  async update(userId: number, input: ProfileUpdate) {
    // The avatar the account has now is taken back as it is (FileReferences: `kept`).
    const face =
      input.face === undefined
        ? undefined
        : await this.fileRefs.resolveOne(userId, input.face, [(await this.users.profile(userId)).face], {
            images: true,
          });
    const changes = {
      ...(input.email === undefined ? {} : { email: input.email }),
      ...(face === undefined ? {} : { face: face.url ?? '' }),
      ...(input.address === undefined ? {} : { address: input.address }),
    };
    if (Object.keys(changes).length > 0) {
      await inTransaction(this.db, async (tx) => {
        await updateContact(tx, userId, changes, this.clock.now());
        await face?.take(tx);
      });
    }
    return this.users.profile(userId);
  }
}
