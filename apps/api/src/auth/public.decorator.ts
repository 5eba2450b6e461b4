/** Marks a route as reachable without a session (health, setup, login). */
import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'tabula:public';
export const Public = () => SetMetadata(IS_PUBLIC, true);
