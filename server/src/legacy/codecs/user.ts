import type { Profile } from '../../features/user/user.schemas.js';
import { userStateLabel, userTypeLabels } from './labels.js';

/** A user as `/user/info/info` shows it. The token is the one the request presented. */
export function encodeUser(profile: Profile, token: string | undefined) {
  return {
    id: profile.id,
    token: token ?? '',
    phone: profile.phone,
    email: profile.email,
    face: profile.face,
    address: profile.address,
    usertype: userTypeLabels[profile.userType],
    userstate: userStateLabel(profile.verified),
  };
}

export const encodeLogin = (login: { userId: number; token: string }) => ({
  user_id: login.userId,
  token: login.token,
});
